using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using static TorchSharp.torch;

namespace Glm4vSK.Cli.Hosting;

/// <summary>The prompt tensors of a reference case (cases/NAME.safetensors beside the weights) as model inputs.</summary>
internal static class CaseInputs
{
    public static ModelInputs Load(string modelDir, string name)
    {
        string path = Path.Combine(modelDir, "cases", name + ".safetensors");
        if (!File.Exists(path))
        {
            // A demo-tokenizer folder links the weights: the cases sit beside the link's target.
            string? target = new FileInfo(Path.Combine(modelDir, "config.json")).LinkTarget;
            if (target is not null) path = Path.Combine(Path.GetDirectoryName(target)!, "cases", name + ".safetensors");
        }
        if (!File.Exists(path))
            throw new CliUsageException($"--case: no reference case '{name}' ({Path.Combine(modelDir, "cases", name + ".safetensors")} does not exist).");
        using var f = SafetensorsFile.Open(path);
        long[,] L2(string n)
        {
            using var t = f.Read(n);
            var flat = t.data<long>().ToArray();
            var r = new long[t.shape[0], t.shape[1]];
            Buffer.BlockCopy(flat, 0, r, 0, flat.Length * sizeof(long));
            return r;
        }
        IReadOnlyList<GridThw> Grids(string n)
        {
            if (!f.Contains(n)) return [];
            var g = L2(n);
            return Enumerable.Range(0, g.GetLength(0)).Select(i => new GridThw((int)g[i, 0], (int)g[i, 1], (int)g[i, 2])).ToList();
        }
        Tensor? Pixels(string n)
        {
            if (!f.Contains(n)) return null;
            using var t = f.Read(n);
            return t.clone();
        }
        return new ModelInputs(L2("input_ids"), L2("attention_mask"), Pixels("pixel_values"), Grids("image_grid_thw"),
            Pixels("pixel_values_videos"), Grids("video_grid_thw"));
    }
}
