using System.Text;

namespace Glm4vSK.Agents.Prompts;

/// <summary>Text and history encoding shared by the GLM-4.1V and GLM-4.5V web (set-of-marks) prompts.</summary>
internal static class GlmVWebText
{
    /// <summary>How many earlier steps the web prompts show (the latest ones).</summary>
    public const int HistoryWindow = 15;

    /// <summary>The site named in the task line: <see cref="GuiPromptContext.WebsiteUrl"/>, else the page's URL, else a generic phrase.</summary>
    public static string Website(GuiPromptContext context) =>
        !string.IsNullOrWhiteSpace(context.WebsiteUrl) ? context.WebsiteUrl.Trim()
        : !string.IsNullOrWhiteSpace(context.Current.Location) ? context.Current.Location.Trim()
        : "the website shown in the screenshot";

    /// <summary>The last <see cref="HistoryWindow"/> steps, each <c>{idx}.{h}\n</c> with idx from 0 within the window.</summary>
    public static string History(IReadOnlyList<GuiHistoryStep> history)
    {
        var sb = new StringBuilder();
        int start = Math.Max(0, history.Count - HistoryWindow);
        for (int i = start; i < history.Count; i++)
            sb.Append(i - start).Append('.').Append(GuiPromptText.WebHistoryEntry(history[i])).Append('\n');
        return sb.ToString();
    }

    /// <summary>The eight things the agent can do, numbered (prose).</summary>
    public const string ActionChoices = """
        1. Click a Web Element.
        2. Type into a textbox (whatever it already contains is deleted first).
        3. Scroll up or down; repeat it as often as needed to browse the page. Note: by default the whole window scrolls. If the scrollable area is only a part of the page, name a Web Element inside that area; the mouse is moved over it before scrolling.
        4. Wait, usually for a page that is still loading; it lasts 5 seconds.
        5. Go back to the previous page.
        6. Bing: jump straight to the Bing search page, for example to start over when a site does not have the information.
        7. Key: press a key; only the 'Return' key is allowed.
        8. Answer: choose it only once every question in the task has been solved.
        """;

    /// <summary>The exact action formats with their examples.</summary>
    public const string ActionFormats = """
        Action should STRICTLY follow the format:
            - Click [Numerical_Label]. For example the Action "Click [1]" clicks the web element whose Numerical_Label is "1".
            - Type [Numerical_Label]; [The input content]. For example the Action "Type [2]; [5$]" types "5$" into the web element whose Numerical_Label is "2".
            - Scroll [Numerical_Label or WINDOW]; [up or down]. For example the Action "Scroll [6]; [up]" scrolls up inside the web element whose Numerical_Label is "6".
            - Wait. For example the Action "Wait" waits for 5 seconds.
            - GoBack. For example the Action "GoBack" returns to the previous page.
            - Bing. For example the Action "Bing" opens the Bing search page.
            - ANSWER; <content>The content of the answer</content>. For example the Action "ANSWER; <content>Guatemala</content>" answers the task with "Guatemala".
            - Key; [The key name]. For example the Action "Key; [Return]" presses the Enter key.
        """;

    /// <summary>What the memory is for (followed by the current memory).</summary>
    public const string MemoryRules =
        "The \"Memory\" holds only information taken from web pages that matters for the task, and it is strictly JSON, " +
        "for example: {\"user_email_address\": \"test@163.com\", \"user_email_password\": \"123456\", \"jack_email_address\": \"jack@163.com\"}. " +
        "It contains no plans, no description of the current action and no reflections; it records only task-relevant facts seen in the screenshots.";

    /// <summary>The note before the element list.</summary>
    public const string ElementNote =
        "Below are the tag name and the text (if any) of each labelled element. <textarea> and <input> elements are often textboxes, but not always; rely on the screenshot first and use the text as a help.";

    /// <summary>The action and browsing guidelines (each line indented by <paramref name="indent"/>).</summary>
    public static string Guidelines(string indent) => string.Join("\n", """
        * Action guidelines *
        1) To type, do NOT click the textbox first; type into it directly. Enter is pressed automatically after typing. Sometimes a search button must be clicked to apply search filters. Keep search queries simple.
        2) Tell textboxes and buttons apart: never type into a button. If there is no textbox, a search button may have to be clicked first to show one.
        3) Perform exactly one action per step.
        4) STRICTLY avoid repeating an action when the page did not change; the element or label was probably wrong. Do not Wait several times in a row either.
        5) When the task has several questions or steps, use "ANSWER" only at the very end, after all of them are handled. Combine what you know with what the pages show, and check the answer format the task asks for.
        6) Only interact with elements that carry a numerical label in the screenshot; check that the label is really on the screen before using it.
        7) If labelled elements have not finished loading, wait for them.
        * Web Browsing Guidelines *
        1) Ignore irrelevant elements such as Login, Sign-in or donation prompts; look for the key elements such as the search box and menus.
        2) Video sites like YouTube may be visited, but videos cannot be played. Clicking to download a PDF is allowed; it will be analysed for you.
        3) Read the numerical labels in the TOP LEFT corner of each element's rectangle; do not confuse them with other numbers on the page (e.g. in a calendar).
        4) Watch out for dates in the task and look for results that match them; finding the right year, month and day in a calendar may take several steps.
        5) To be sure you have all of the target content, keep scrolling down until you see where it ends, e.g. new content appears or the scroll bar reaches the bottom.
        6) On sites such as GitHub, start a search with "Key; [Return]".
        7) Look for the answer that fits the task best, and correct mistakes as soon as you notice the task's requirements are not met.
        """.Split('\n').Select(l => indent + l));

    /// <summary>The reply format.</summary>
    public const string OutputFormat = """
        Your reply should strictly follow the format:
        Thought: {Your brief thoughts (briefly summarize the info that will help ANSWER)}
        Action: {One Action format you choose}
        Memory_Updated: {The latest version of memory generated by modifying or supplementing the original memory content based on the visual information in the current screenshot.}
        """;
}
