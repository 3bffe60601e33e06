using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Support;

/// <summary>
/// A small fixed prompt with one 4×4-patch image (4 placeholder tokens) and some text, so a forward pass touches the
/// vision tower, the M-RoPE and every decoder weight. Used to compare two loads of the same weights.
/// </summary>
public static class ProbePrompt
{
    /// <summary>Logits [1, L, V] of the full prompt, float32, detached from any dispose scope.</summary>
    public static Tensor Logits(Glm4vEngine engine)
    {
        var c = engine.Config;
        var grid = new GridThw(1, 4, 4);
        int n = grid.TokenCount();
        var ids = new List<long> { 5, 17, c.ImageStartTokenId };
        ids.AddRange(Enumerable.Repeat((long)c.ImageTokenId, n));
        ids.AddRange([c.ImageEndTokenId, 7, 11, 13, 42]);
        var idArray = new long[1, ids.Count];
        for (int j = 0; j < ids.Count; j++) idArray[0, j] = ids[j]; // special ids lie inside the vocabulary (config validation)
        Assert.True(c.Text.VocabSize > 42, "the probe prompt needs a vocabulary of more than 42 tokens");

        using var scope = NewDisposeScope();
        var gen = new Generator(4321);
        var pixels = randn([grid.PatchCount, c.Vision.PatchRowSize], generator: gen);
        using var inputs = new ModelInputs(idArray, null, pixels, [grid]);
        var logits = ModelFixtureTests.FullForward(engine, inputs).to(ScalarType.Float32);
        return logits.clone().DetachFromDisposeScope();
    }

    /// <summary>True when both tensors have the same shape and bit-identical values.</summary>
    public static void AssertIdentical(string what, Tensor expected, Tensor actual)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}] differs from [{string.Join(", ", expected.shape)}].");
        using var differs = expected.ne(actual).any();
        if (differs.item<bool>())
            TensorAssert.Close(what, actual, expected, 0, 0); // names the worst element
        Assert.False(differs.item<bool>(), $"{what}: values differ.");
    }
}
