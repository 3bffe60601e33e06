using System.Text.RegularExpressions;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Formats;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// How the prompt builders turn earlier model answers back into history and memory text. Thinking
/// (<c>&lt;think&gt;…&lt;/think&gt;</c>) never goes into a GLM-V history, <c>&lt;answer&gt;</c> tags are dropped and box
/// markers are removed. An answer that lacks the protocol's structure (a rejected step) is kept as its visible text,
/// so the model can see what it wrote and that it failed.
/// </summary>
public static partial class GuiPromptText
{
    // ---------------------------------------------------------------- mobile

    /// <summary>
    /// The mobile history entry <c>h</c> of one step (<c>Step {idx}:\n{h}</c>): <c>Memory: …\nReason: …\nAction: …</c>.
    /// A parsed mobile action is written as a Python dict (<c>{'action_type': 'open_app', 'app_name': 'Broccoli'}</c>,
    /// as in GLM-V's documented history); an unparsed one as the model wrote it. An answer without the
    /// Memory/Reason/Action structure is shown as its visible text.
    /// </summary>
    public static string MobileHistoryEntry(GuiHistoryStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var parts = GuiOutputText.SplitMobile(step.ModelOutput);
        if (!parts.Structured) return parts.Thought;
        string action = step.Action is { Protocol: GuiProtocol.GlmVMobile } a ? MobileActionRepr(a) : parts.Action;
        return $"Memory: {parts.Memory}\nReason: {parts.Thought}\nAction: {action}";
    }

    /// <summary>A parsed mobile action as a Python dict literal, <c>action_type</c> first.</summary>
    public static string MobileActionRepr(GuiAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var dict = new List<KeyValuePair<string, object?>> { new("action_type", action.Name) };
        dict.AddRange(action.Args.Where(kv => kv.Key != "action_type"));
        return PythonRepr.Write(dict);
    }

    // ---------------------------------------------------------------- PC

    /// <summary>
    /// The memory a PC prompt shows: the <c>Memory:</c> section of the latest step that has one (a blank section
    /// counts as <c>[]</c>), else <paramref name="initialMemory"/>, else <c>[]</c>.
    /// </summary>
    public static string LatestPcMemory(IReadOnlyList<GuiHistoryStep> history, string? initialMemory) =>
        LatestMemory(history, GuiOutputText.SplitPc, initialMemory, "[]");

    // ---------------------------------------------------------------- web

    /// <summary>
    /// The memory a web prompt shows (<c>Memory:{…}</c>): the <c>Memory_Updated:</c> object of the latest step that
    /// has one (a blank one counts as <c>{}</c>), else <paramref name="initialMemory"/>, else <c>{}</c>.
    /// </summary>
    public static string LatestWebMemory(IReadOnlyList<GuiHistoryStep> history, string? initialMemory) =>
        LatestMemory(history, GuiOutputText.SplitWeb, initialMemory, "{}");

    /// <summary>
    /// The web history's <c>Observation</c> for a step: <c>Success</c> for an executed action (the word GLM-V's
    /// documented history uses; executor details such as pixel positions mean nothing to the model), the outcome's
    /// message for a failure (or <c>Failed</c> when it has none), <c>Not executed</c> when there is no outcome.
    /// </summary>
    public static string ObservationText(GuiActionOutcome? outcome) => outcome switch
    {
        null => "Not executed",
        { Succeeded: true } => "Success",
        { Message: { } msg } when !string.IsNullOrWhiteSpace(msg) => OneLine(msg),
        _ => "Failed",
    };

    /// <summary>The web history entry <c>h</c> of one step: <c>Thought:{t}\tAction:{a}\tObservation:{o}</c>.</summary>
    public static string WebHistoryEntry(GuiHistoryStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var parts = GuiOutputText.SplitWeb(step.ModelOutput);
        return $"Thought:{parts.Thought}\tAction:{parts.Action}\tObservation:{ObservationText(step.Outcome)}";
    }

    // ---------------------------------------------------------------- AutoGLM

    /// <summary>The assistant turn AutoGLM keeps for a step: <c>&lt;think&gt;{thinking}&lt;/think&gt;&lt;answer&gt;{action}&lt;/answer&gt;</c>.</summary>
    public static string AutoGlmAssistantTurn(string modelOutput)
    {
        var parts = GuiOutputText.SplitAutoGlm(modelOutput);
        return $"{GlmTags.ThinkStart}{parts.Thought}{GlmTags.ThinkEnd}{GlmTags.AnswerStart}{parts.Action}{GlmTags.AnswerEnd}";
    }

    /// <summary>
    /// AutoGLM's <c>screen_info</c>: <c>{"current_app": "…"}</c> written like Python's
    /// <c>json.dumps(…, ensure_ascii=False)</c> (non-ASCII kept). A null or blank app is <c>System Home</c>.
    /// </summary>
    public static string ScreenInfo(string? currentApp)
    {
        string app = string.IsNullOrWhiteSpace(currentApp) ? "System Home" : currentApp;
        return PythonJson.Serialize(new KeyValuePair<string, object?>[] { new("current_app", app) });
    }

    // ---------------------------------------------------------------- shared

    private static string LatestMemory(IReadOnlyList<GuiHistoryStep> history, Func<string, GuiOutputParts> split, string? initialMemory, string empty)
    {
        ArgumentNullException.ThrowIfNull(history);
        for (int i = history.Count - 1; i >= 0; i--)
        {
            if (split(history[i].ModelOutput).Memory is { } memory)
                return memory.Length == 0 ? empty : memory;
        }
        return string.IsNullOrWhiteSpace(initialMemory) ? empty : initialMemory.Trim();
    }

    private static string OneLine(string text) => WhitespaceRunRegex().Replace(text.Trim(), " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRunRegex();
}
