using Xunit.Sdk;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>Comparisons that name the tensor, the worst element, both values and the tolerance on failure.</summary>
public static class TensorAssert
{
    /// <param name="rowMask">optional [B, L] mask (1 = compare) applied to the first two dims of [B, L, ...] tensors</param>
    public static void Close(string what, Tensor actual, Tensor expected, double atol, double rtol, long[,]? rowMask = null)
    {
        using var scope = NewDisposeScope();
        Assert.True(actual.shape.SequenceEqual(expected.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}] differs from expected [{string.Join(", ", expected.shape)}].");
        var a = actual.cpu().to(ScalarType.Float64);
        var e = expected.cpu().to(ScalarType.Float64);
        var excess = (a - e).abs() - (atol + rtol * e.abs());
        if (rowMask is not null)
        {
            var m = new bool[rowMask.GetLength(0), rowMask.GetLength(1)];
            for (int i = 0; i < m.GetLength(0); i++) for (int j = 0; j < m.GetLength(1); j++) m[i, j] = rowMask[i, j] != 0;
            var mt = tensor(m);
            for (int d = 2; d < excess.dim(); d++) mt = mt.unsqueeze(-1);
            excess = excess.masked_fill(mt.logical_not(), double.NegativeInfinity);
        }
        if (excess.numel() == 0) return;
        long worst = excess.flatten().argmax().item<long>();
        double worstExcess = excess.flatten()[worst].item<double>();
        if (worstExcess <= 0) return;
        double av = a.flatten()[worst].item<double>(), ev = e.flatten()[worst].item<double>();
        long bad = excess.gt(0).sum().item<long>();
        throw new XunitException(
            $"{what}: {bad} element(s) outside atol {atol:G3} + rtol {rtol:G3}·|expected|; worst at [{string.Join(", ", Unravel(worst, actual.shape))}]: " +
            $"actual {av:G9}, expected {ev:G9}, |diff| {Math.Abs(av - ev):G3}.");
    }

    public static void Equal(string what, long[] expected, long[] actual)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length} differs from expected {expected.Length}.");
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i])
                throw new XunitException($"{what}: first difference at index {i}: actual {actual[i]}, expected {expected[i]} " +
                                         $"(expected [{string.Join(", ", expected)}], actual [{string.Join(", ", actual)}]).");
    }

    static long[] Unravel(long flat, long[] shape)
    {
        var idx = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
