namespace Glm4vSK.Formats;

/// <summary>
/// How deep model or server text may nest (brackets, braces, parentheses) before the GLM format parsers treat it as
/// malformed. One limit for every parser of model text (the connector's, the agents' and this assembly's).
/// </summary>
/// <remarks>
/// The parsers recurse per level, so without a limit a few kilobytes of <c>[[[[…</c> overflow the stack, which kills
/// the process. Real grounding boxes, tool arguments and GUI actions nest 1–4 levels. 32 leaves a parsed value room
/// inside the wrappers that middleware adds when it serializes it again (arguments object, content, message,
/// response: well under <c>System.Text.Json</c>'s default <c>MaxDepth</c> of 64), and is far from any stack limit.
/// </remarks>
public static class NestingLimit
{
    public const int MaxDepth = 32;
}
