namespace Glm4vSK.LocalEngine.Processing;

/// <summary>What a <see cref="TemplateContentPart"/> holds.</summary>
public enum TemplatePartKind
{
    /// <summary>Text, written verbatim.</summary>
    Text,
    /// <summary>An image: the template writes <c>&lt;|begin_of_image|&gt;&lt;|image|&gt;&lt;|end_of_image|&gt;</c>.</summary>
    Image,
    /// <summary>A video: the template writes <c>&lt;|begin_of_video|&gt;&lt;|video|&gt;&lt;|end_of_video|&gt;</c>.</summary>
    Video,
    /// <summary>A JSON value inside a tool result, written with <c>tojson</c>.</summary>
    Json,
}
