namespace Glm4vSK.LocalEngine.Processing;

/// <summary>A conversation turned into model inputs: the rendered text, the token ids with placeholders expanded, and the pixels.</summary>
public sealed class PreparedPrompt : IDisposable
{
    internal PreparedPrompt(string text, IReadOnlyList<int> tokenIds, ModelInputs inputs)
    {
        Text = text;
        TokenIds = tokenIds;
        Inputs = inputs;
    }

    /// <summary>The chat template's output (one <c>&lt;|image|&gt;</c> per image, before expansion).</summary>
    public string Text { get; }
    /// <summary>Prompt token ids, image and video placeholders expanded.</summary>
    public IReadOnlyList<int> TokenIds { get; }
    public int TokenCount => TokenIds.Count;
    /// <summary>The batch of one the engine consumes (owns the pixel tensors).</summary>
    public ModelInputs Inputs { get; }
    public IReadOnlyList<GridThw> ImageGrids => Inputs.ImageGrids;
    public IReadOnlyList<GridThw> VideoGrids => Inputs.VideoGrids;

    public void Dispose() => Inputs.Dispose();
}
