using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// Loads each (model dir, dtype) once per test run; engines are thread-safe. A model dir whose declared
/// <c>model_type</c> is one the engine supports must load: any load error (an <see cref="UnsupportedModelException"/>
/// from broken model-type detection included) fails the test instead of hiding as a skip. Engines load on
/// <see cref="TestDevice.Name"/> ($GLM4V_DEVICE, default cpu).
/// </summary>
public static class EngineCache
{
    /// <summary>The <c>config.json</c> model types the engine supports; a fixture of any other type is skipped.</summary>
    public static readonly IReadOnlySet<string> SupportedModelTypes = new HashSet<string>(StringComparer.Ordinal) { "glm4v", "glm4v_moe", "glm46v" };

    static readonly ConcurrentDictionary<(string, ScalarType), Lazy<Glm4vEngine>> Engines = new();

    /// <summary>
    /// Loads the engine, or skips the test (fixture README, "Unsupported model types") when the dir's
    /// <c>config.json</c> declares a model type outside <see cref="SupportedModelTypes"/>. Load errors are not caught.
    /// </summary>
    public static Glm4vEngine Get(string modelDir, ScalarType dtype)
    {
        if (NotApplicableReason(modelDir) is { } reason) Assert.Skip(reason);
        return Engines.GetOrAdd((Path.GetFullPath(modelDir), dtype),
            k => new Lazy<Glm4vEngine>(() => Glm4vEngine.Load(k.Item1, new EngineOptions { DType = k.Item2, Device = TestDevice.Name }))).Value;
    }

    /// <summary>Why the model dir cannot be run, read from its declared <c>model_type</c>; <see langword="null"/> when it must load.</summary>
    public static string? NotApplicableReason(string modelDir)
    {
        string path = Path.Combine(modelDir, "config.json");
        string? modelType = (JsonNode.Parse(File.ReadAllText(path)) as JsonObject)?["model_type"]?.GetValue<string>();
        return modelType is not null && SupportedModelTypes.Contains(modelType)
            ? null
            : $"{path}: model_type '{modelType ?? "(missing)"}' is not supported yet (supported: {string.Join(", ", SupportedModelTypes.Order(StringComparer.Ordinal))}).";
    }
}
