namespace Glm4vSK.LocalEngine.Processing;

/// <summary>Parts of a conversation whose text may come from someone other than the application (see <see cref="ProcessorOptions.LiteralMarkupIn"/>).</summary>
[Flags]
public enum MarkupSources
{
    None = 0,
    /// <summary>Function results (<c>FunctionResultContent</c>): web pages, files, command output an agent reads.</summary>
    ToolResults = 1,
    /// <summary>Text of user messages.</summary>
    UserMessages = 2,
}
