namespace Glm4vSK.Formats.Gui;

/// <summary>What an action does, independent of the protocol that spelled it.</summary>
public enum GuiActionKind
{
    /// <summary>Click / tap at a point (mobile <c>click</c>, PC <c>left_click</c>, web <c>Click</c>, AutoGLM <c>Tap</c>).</summary>
    Click,
    /// <summary>Long press (mobile <c>long_press</c>, AutoGLM <c>Long Press</c>).</summary>
    LongPress,
    /// <summary>Double click / double tap.</summary>
    DoubleClick,
    /// <summary>Right click (PC).</summary>
    RightClick,
    /// <summary>Middle click (PC).</summary>
    MiddleClick,
    /// <summary>Move the pointer without clicking (PC).</summary>
    Hover,
    /// <summary>Drag from the point to the end point (PC <c>left_drag</c>).</summary>
    Drag,
    /// <summary>Type text (mobile <c>input_text</c> with optional <c>override</c>, PC/web/AutoGLM <c>type</c>).</summary>
    TypeText,
    /// <summary>Press a key or hotkey (PC <c>key</c>, web <c>Key</c>, mobile <c>keyboard_enter</c>).</summary>
    Key,
    /// <summary>Scroll (PC, web): the direction is the content direction.</summary>
    Scroll,
    /// <summary>Swipe (mobile, AutoGLM): the direction is the finger direction.</summary>
    Swipe,
    /// <summary>Go to the home screen.</summary>
    NavigateHome,
    /// <summary>Go back (mobile <c>navigate_back</c>, AutoGLM <c>Back</c>, web <c>GoBack</c>).</summary>
    NavigateBack,
    /// <summary>Open / launch an app by name.</summary>
    OpenApp,
    /// <summary>Wait for the screen to settle.</summary>
    Wait,
    /// <summary>Answer the user (mobile <c>answer</c>, web <c>ANSWER</c>).</summary>
    Answer,
    /// <summary>End the task (mobile <c>status</c>, PC <c>DONE</c>/<c>FAIL</c>, AutoGLM <c>finish</c>).</summary>
    Finish,
    /// <summary>Hand control to the user (AutoGLM <c>Take_over</c>).</summary>
    TakeOver,
    /// <summary>Record page content for later (AutoGLM <c>Note</c>).</summary>
    Note,
    /// <summary>Ask the user to choose (AutoGLM <c>Interact</c>).</summary>
    Interact,
    /// <summary>Summarise or comment (AutoGLM <c>Call_API</c>).</summary>
    CallApi,
    /// <summary>Jump to a search engine (web <c>Bing</c>).</summary>
    Search,
}
