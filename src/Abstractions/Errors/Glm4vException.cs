namespace Glm4vSK.LocalEngine;

/// <summary>Base type of every error the engine raises on purpose: catch this to handle all of them.</summary>
public class Glm4vException : Exception
{
    public Glm4vException(string message) : base(message) { }
    public Glm4vException(string message, Exception? inner) : base(message, inner) { }
}
