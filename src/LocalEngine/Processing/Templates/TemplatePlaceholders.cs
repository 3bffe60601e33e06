namespace Glm4vSK.LocalEngine.Processing;

/// <summary>The text the chat templates write for one image or one video (both families).</summary>
public static class TemplatePlaceholders
{
    /// <summary>One image; the processor later expands <c>&lt;|image|&gt;</c> into the image's token run.</summary>
    public const string Image = "<|begin_of_image|><|image|><|end_of_image|>";

    /// <summary>One video; the processor later expands <c>&lt;|video|&gt;</c> into per-frame image runs with timestamps.</summary>
    public const string Video = "<|begin_of_video|><|video|><|end_of_video|>";
}
