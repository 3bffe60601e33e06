using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Testing;
using Glm4vSK.LocalEngine.Tests.Support;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// <see cref="EngineCache.Get"/> skips only on the model type a fixture declares; a model of a supported type that
/// does not load (a regression in model-type detection, say) fails the test that asked for it.
/// </summary>
public sealed class EngineCacheTests
{
    static string FixtureModels => System.IO.Path.Combine(FixtureRoot.Require(), "models");

    [Fact]
    public void A_supported_model_that_fails_to_load_throws_instead_of_skipping()
    {
        using var tmp = new TempDir();
        string dir = tmp.Sub("model", create: true);
        // A fixture's config.json that the engine turns down with UnsupportedModelException although its type is supported
        // (any fixture model of a supported type will do; none is named, so another fixture set works too).
        string source = Directory.GetDirectories(FixtureModels).Order(StringComparer.Ordinal)
            .First(d => File.Exists(System.IO.Path.Combine(d, "config.json")) && EngineCache.NotApplicableReason(d) is null);
        var config = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(source, "config.json")))!.AsObject();
        config["quantization_config"] = new JsonObject { ["quant_method"] = "fp8" };
        File.WriteAllText(System.IO.Path.Combine(dir, "config.json"), config.ToJsonString());

        Assert.Null(EngineCache.NotApplicableReason(dir));
        // Caught by hand: a skip exception passing through Assert.Throws would still mark the test skipped.
        Exception? thrown = null;
        try { EngineCache.Get(dir, ScalarType.Float32); }
        catch (Exception e) { thrown = e; }
        var ex = thrown as UnsupportedModelException;
        Assert.True(ex is not null, $"expected UnsupportedModelException, got {thrown?.GetType().Name ?? "no exception"}");
        Assert.Equal(config["model_type"]!.GetValue<string>(), ex.ModelType);
    }

    [Fact]
    public void Only_an_unsupported_declared_model_type_is_not_applicable_and_the_reason_names_it()
    {
        using var tmp = new TempDir();
        string dir = tmp.Sub("model", create: true);
        File.WriteAllText(System.IO.Path.Combine(dir, "config.json"), """{"model_type": "qwen2_vl"}""");
        string? reason = EngineCache.NotApplicableReason(dir);
        Assert.NotNull(reason);
        Assert.Contains("'qwen2_vl'", reason);
        Assert.Contains("glm4v_moe", reason);
    }
}
