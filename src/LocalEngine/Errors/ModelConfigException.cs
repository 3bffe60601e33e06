namespace Glm4vSK.LocalEngine;

/// <summary>A configuration file is missing, unreadable, or holds a value the engine cannot run; <see cref="Field"/> names it.</summary>
public sealed class ModelConfigException : Glm4vException
{
    public ModelConfigException(string file, string? field, string message, Exception? inner = null)
        : base(field is null ? $"{file}: {message}" : $"{file}: '{field}': {message}", inner)
    {
        File = file;
        Field = field;
    }

    /// <summary>The file that holds the problem (for example <c>config.json</c>).</summary>
    public string File { get; }
    /// <summary>The JSON field at fault (dotted path), or null when the file as a whole is at fault.</summary>
    public string? Field { get; }
}
