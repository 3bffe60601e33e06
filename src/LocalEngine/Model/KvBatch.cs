using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// The caches of the sequences in one batched decode step (one token each): projections and MLPs run over the whole
/// batch, attention runs per sequence over its own cache, whatever its length.
/// </summary>
internal sealed class KvBatch(IReadOnlyList<KvCache> rows) : IKvStore
{
    public int Count => rows.Count;

    public Tensor Attend(int layer, Tensor q, Tensor k, Tensor v, Tensor? mask, double scale)
    {
        using var scope = NewDisposeScope();
        var outputs = new Tensor[rows.Count];
        // Every key of a sequence's own cache is real and earlier than its one query: no mask is needed.
        for (int i = 0; i < rows.Count; i++)
            outputs[i] = rows[i].Attend(layer, q.narrow(0, i, 1), k.narrow(0, i, 1), v.narrow(0, i, 1), null, scale);
        return cat(outputs, 0).MoveToOuterDisposeScope();
    }

    public void Advance(long tokens)
    {
        foreach (var r in rows) r.Advance(tokens);
    }
}
