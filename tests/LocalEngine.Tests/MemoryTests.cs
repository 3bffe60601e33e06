using System.Diagnostics;
using Glm4vSK.LocalEngine.Tests.Support;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>Process-level memory checks: they run alone (no parallel test allocating beside them).</summary>
[Collection(LargeImageCollection.Name)]
public sealed class MemoryTests
{
    [Fact]
    public async Task Process_memory_stays_flat_over_many_generations()
    {
        var e = EngineCache.Get(RandomModels.Dir("l2-vision3-flat", RandomModels.Configs["l2-vision3-flat"]), ScalarType.Float32);
        using var inputs = GenerationTests.ImageAndTextBatch(e, grid: new GridThw(1, 8, 8));
        var options = new SamplingOptions { MaxNewTokens = 16, DoSample = true, Seed = 3, IgnoreEos = true };
        for (int i = 0; i < 5; i++) await e.GenerateAllAsync(inputs, options);
        long rss0 = Rss();
        for (int i = 0; i < 60; i++) await e.GenerateAllAsync(inputs, options);
        long growth = Rss() - rss0;
        // 60 generations allocate ~200 MB of temporaries in total; a leak of even one step's tensors would show here.
        Assert.True(growth < 48L << 20, $"RSS grew by {growth >> 20} MiB over 60 generations.");
    }

    static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return Process.GetCurrentProcess().WorkingSet64;
    }
}
