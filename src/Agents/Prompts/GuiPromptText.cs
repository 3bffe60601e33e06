using System.Text.RegularExpressions;
using Glm4vSK.Agents.Actions;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Protocols;
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
    /// <summary>The text an empty visible answer is shown as.</summary>
    public const string EmptyAnswer = "(empty answer)";

    /// <summary>
    /// The visible answer: the think block removed (a truncated, unclosed one together with everything after it) and
    /// the <c>&lt;answer&gt;</c>/<c>&lt;/answer&gt;</c> tags removed. Box markers are kept.
    /// </summary>
    public static string VisibleText(string modelOutput)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        if (GuiOutputText.TryPreprocess(modelOutput, out string body, out _)) return body;
        int open = modelOutput.IndexOf(GlmTags.ThinkStart, StringComparison.Ordinal);
        return RemoveAnswerTags(open >= 0 ? modelOutput[..open] : modelOutput);
    }

    /// <summary>Removes <c>&lt;|begin_of_box|&gt;</c>/<c>&lt;|end_of_box|&gt;</c> (and the docs' <c>&lt;|start_of_box|&gt;</c> typo).</summary>
    public static string RemoveBoxMarkers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace(GlmTags.BeginOfBox, "", StringComparison.Ordinal)
            .Replace(GlmTags.StartOfBox, "", StringComparison.Ordinal)
            .Replace(GlmTags.EndOfBox, "", StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- mobile

    /// <summary>
    /// Splits a mobile (AndroidWorld) answer <c>Memory: … Reason: … Action: …</c>. The action is the text between the
    /// first <c>&lt;|begin_of_box|&gt;</c> and the last <c>&lt;|end_of_box|&gt;</c> when markers are present (as GLM-V's
    /// <c>parse_mobile_response</c> takes it), else the whole <c>Action:</c> text.
    /// </summary>
    public static GuiOutputParts SplitMobile(string modelOutput)
    {
        string body = VisibleText(modelOutput);
        var m = MobileRegex().Match(body);
        if (!m.Success) return Unstructured(body);
        string action = GuiOutputText.BoxedAction(m.Groups[3].Value);
        return new GuiOutputParts(m.Groups[2].Value.Trim(), RemoveBoxMarkers(action).Trim(), m.Groups[1].Value.Trim(), true);
    }

    /// <summary>
    /// The mobile history entry <c>h</c> of one step (<c>Step {idx}:\n{h}</c>): <c>Memory: …\nReason: …\nAction: …</c>.
    /// A parsed mobile action is written as a Python dict (<c>{'action_type': 'open_app', 'app_name': 'Broccoli'}</c>,
    /// as in GLM-V's documented history); an unparsed one as the model wrote it. An answer without the
    /// Memory/Reason/Action structure is shown as its visible text.
    /// </summary>
    public static string MobileHistoryEntry(GuiHistoryStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var parts = SplitMobile(step.ModelOutput);
        if (!parts.Structured) return parts.Thought;
        string action = step.Action is { Protocol: GuiProtocol.MobileGlmV } a ? MobileActionRepr(a) : parts.Action;
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
    /// Splits a desktop (OSWorld) answer <c>{explanation} &lt;|begin_of_box|&gt;call(…)&lt;|end_of_box|&gt;\nMemory:\n[…]</c>:
    /// the action is the first box's content (else the first <c>name(…)</c> call, as GLM-V's parser falls back); the
    /// thought is the text before the last <c>Memory:</c> without box markers, without the action call and without a
    /// trailing <c>Action:</c> label; the memory is the text after the last <c>Memory:</c>.
    /// </summary>
    public static GuiOutputParts SplitPc(string modelOutput)
    {
        string body = VisibleText(modelOutput);
        string? action = GuiOutputText.FirstBox(body)?.Trim();
        if (string.IsNullOrEmpty(action))
        {
            var call = PcCallRegex().Match(body);
            action = call.Success ? call.Value : null;
        }
        int at = body.LastIndexOf("Memory:", StringComparison.Ordinal);
        string? memory = at >= 0 ? body[(at + "Memory:".Length)..].Trim() : null;
        string thought = RemoveBoxMarkers(at >= 0 ? body[..at] : body);
        if (!string.IsNullOrEmpty(action)) thought = thought.Replace(action, "", StringComparison.Ordinal);
        thought = thought.Trim();
        if (action is not null && thought.EndsWith("Action:", StringComparison.Ordinal)) thought = thought[..^"Action:".Length].TrimEnd();
        if (string.IsNullOrEmpty(action) && memory is null) return Unstructured(body);
        return new GuiOutputParts(thought, action ?? "", memory, true);
    }

    /// <summary>
    /// The memory a PC prompt shows: the <c>Memory:</c> section of the latest step that has one (a blank section
    /// counts as <c>[]</c>), else <paramref name="initialMemory"/>, else <c>[]</c>.
    /// </summary>
    public static string LatestPcMemory(IReadOnlyList<GuiHistoryStep> history, string? initialMemory) =>
        LatestMemory(history, SplitPc, initialMemory, "[]");

    // ---------------------------------------------------------------- web

    /// <summary>
    /// Splits a web (WebVoyager) answer <c>Thought: … Action: … Memory_Updated: {…}</c> (with or without
    /// <c>&lt;answer&gt;</c>). The action loses its box markers.
    /// </summary>
    public static GuiOutputParts SplitWeb(string modelOutput)
    {
        string body = VisibleText(modelOutput);
        int a = body.IndexOf("Action:", StringComparison.Ordinal);
        int m = body.LastIndexOf("Memory_Updated:", StringComparison.Ordinal);
        int t = body.IndexOf("Thought:", StringComparison.Ordinal);
        if (a < 0 && m < 0) return Unstructured(body);

        int thoughtEnd = a >= 0 ? a : m;
        if (m >= 0 && m < thoughtEnd) thoughtEnd = m;
        string thought = t >= 0 && t < thoughtEnd ? body[(t + "Thought:".Length)..thoughtEnd] : body[..thoughtEnd];
        string action = "";
        if (a >= 0)
        {
            int from = a + "Action:".Length;
            action = m > a ? body[from..m] : body[from..];
        }
        string? memory = m >= 0 ? body[(m + "Memory_Updated:".Length)..].Trim() : null;
        return new GuiOutputParts(RemoveBoxMarkers(thought).Trim(), RemoveBoxMarkers(action).Trim(), memory, true);
    }

    /// <summary>
    /// The memory a web prompt shows (<c>Memory:{…}</c>): the <c>Memory_Updated:</c> object of the latest step that
    /// has one (a blank one counts as <c>{}</c>), else <paramref name="initialMemory"/>, else <c>{}</c>.
    /// </summary>
    public static string LatestWebMemory(IReadOnlyList<GuiHistoryStep> history, string? initialMemory) =>
        LatestMemory(history, SplitWeb, initialMemory, "{}");

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
        var parts = SplitWeb(step.ModelOutput);
        return $"Thought:{parts.Thought}\tAction:{parts.Action}\tObservation:{ObservationText(step.Outcome)}";
    }

    // ---------------------------------------------------------------- AutoGLM

    /// <summary>
    /// Splits an AutoGLM-Phone answer into thinking and action the way Open-AutoGLM's <c>_parse_response</c> does on
    /// a server that strips the tags: the action starts at the first <c>finish(message=</c>, else at the first
    /// <c>do(action=</c>, else it is the whole text; the thinking is what comes before. When a
    /// <c>&lt;think&gt;…&lt;/think&gt;</c> block is present, the thinking is its content (plus any text between it and
    /// the action) and the action is looked for only after it, so a call mentioned while thinking is not taken.
    /// <c>&lt;think&gt;</c>, <c>&lt;/think&gt;</c>, <c>&lt;answer&gt;</c> and <c>&lt;/answer&gt;</c> never remain in either part.
    /// </summary>
    public static GuiOutputParts SplitAutoGlm(string modelOutput)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        string thinking = "", rest = modelOutput;
        int close = modelOutput.IndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal);
        if (close >= 0)
        {
            int open = modelOutput.IndexOf(GlmTags.ThinkStart, StringComparison.Ordinal);
            int from = open >= 0 && open < close ? open + GlmTags.ThinkStart.Length : 0;
            thinking = modelOutput[from..close];
            rest = modelOutput[(close + GlmTags.ThinkEnd.Length)..];
        }
        rest = RemoveThinkAndAnswerTags(rest);
        thinking = RemoveThinkAndAnswerTags(thinking).Trim();

        int at = rest.IndexOf("finish(message=", StringComparison.Ordinal);
        if (at < 0) at = rest.IndexOf("do(action=", StringComparison.Ordinal);
        if (at < 0) return new GuiOutputParts(thinking, rest.Trim(), null, false);
        string before = rest[..at].Trim();
        if (before.Length > 0) thinking = thinking.Length > 0 ? thinking + "\n" + before : before;
        return new GuiOutputParts(thinking, rest[at..].Trim(), null, true);
    }

    /// <summary>The assistant turn AutoGLM keeps for a step: <c>&lt;think&gt;{thinking}&lt;/think&gt;&lt;answer&gt;{action}&lt;/answer&gt;</c>.</summary>
    public static string AutoGlmAssistantTurn(string modelOutput)
    {
        var parts = SplitAutoGlm(modelOutput);
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

    private static GuiOutputParts Unstructured(string body)
    {
        string text = RemoveBoxMarkers(body).Trim();
        return new GuiOutputParts(text.Length == 0 ? EmptyAnswer : text, "", null, false);
    }

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

    private static string RemoveAnswerTags(string text) =>
        text.Replace(GlmTags.AnswerStart, "", StringComparison.Ordinal).Replace(GlmTags.AnswerEnd, "", StringComparison.Ordinal);

    private static string RemoveThinkAndAnswerTags(string text) =>
        RemoveAnswerTags(text).Replace(GlmTags.ThinkStart, "", StringComparison.Ordinal).Replace(GlmTags.ThinkEnd, "", StringComparison.Ordinal);

    private static string OneLine(string text) => WhitespaceRunRegex().Replace(text.Trim(), " ");

    [GeneratedRegex(@"Memory:(.*?)Reason:(.*?)Action:(.*)", RegexOptions.Singleline)]
    private static partial Regex MobileRegex();

    [GeneratedRegex(@"[\w_]+\([^)]*\)")]
    private static partial Regex PcCallRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRunRegex();
}
