namespace Glm4vSK.Connector.Grounding;

/// <summary>Boxes could not be drawn (undecodable image, or no font that can render a label).</summary>
public sealed class GroundingDrawingException : Exception
{
    public GroundingDrawingException(string message) : base(message) { }
    public GroundingDrawingException(string message, Exception inner) : base(message, inner) { }
}
