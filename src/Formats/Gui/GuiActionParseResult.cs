using System.Diagnostics.CodeAnalysis;

namespace Glm4vSK.Formats.Gui;

/// <summary>The outcome of parsing one model answer: a parsed <see cref="GuiAction"/> or a rejection with a reason.</summary>
public sealed record GuiActionParseResult
{
    private GuiActionParseResult(string rawText, GuiAction? action, string? reason)
    {
        RawText = rawText;
        Action = action;
        Reason = reason;
    }

    /// <summary>The model output as given to the parser.</summary>
    public string RawText { get; }

    /// <summary>The parsed action, or <see langword="null"/> when the output was rejected.</summary>
    public GuiAction? Action { get; }

    /// <summary>Why the output was rejected, or <see langword="null"/> when it parsed.</summary>
    public string? Reason { get; }

    /// <summary>Whether an action was parsed.</summary>
    [MemberNotNullWhen(true, nameof(Action))]
    [MemberNotNullWhen(false, nameof(Reason))]
    public bool IsSuccess => Action is not null;

    /// <summary>A parsed action.</summary>
    public static GuiActionParseResult Success(string rawText, GuiAction action) =>
        new(rawText ?? throw new ArgumentNullException(nameof(rawText)), action ?? throw new ArgumentNullException(nameof(action)), null);

    /// <summary>A rejection.</summary>
    public static GuiActionParseResult Rejected(string rawText, string reason) =>
        new(rawText ?? throw new ArgumentNullException(nameof(rawText)), null, reason ?? throw new ArgumentNullException(nameof(reason)));

    /// <inheritdoc />
    public override string ToString() => IsSuccess ? $"{Action.Type}({Action.ArgsToJson().ToJsonString()})" : $"rejected: {Reason}";
}
