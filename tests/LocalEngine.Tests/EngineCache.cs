using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>Loads each (model dir, dtype) once per test run; engines are thread-safe.</summary>
public static class EngineCache
{
    static readonly ConcurrentDictionary<(string, ScalarType), Lazy<Glm4vEngine>> Engines = new();

    public static Glm4vEngine Get(string modelDir, ScalarType dtype) =>
        Engines.GetOrAdd((Path.GetFullPath(modelDir), dtype),
            k => new Lazy<Glm4vEngine>(() => Glm4vEngine.Load(k.Item1, new EngineOptions { DType = k.Item2 }))).Value;

    /// <summary>Loads, or skips the test with the reason when the model type is not supported yet.</summary>
    public static Glm4vEngine GetOrSkip(string modelDir, ScalarType dtype)
    {
        try { return Get(modelDir, dtype); }
        catch (UnsupportedModelException e)
        {
            Engines.TryRemove((Path.GetFullPath(modelDir), dtype), out _);
            Assert.Skip(e.Message);
            throw; // unreachable
        }
    }
}
