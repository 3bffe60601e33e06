using Glm4vSK.LocalEngine.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static Glm4vSK.LocalEngine.Tests.Telemetry.TelemetryRig;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Telemetry;

/// <summary>The engine logs its load and failed requests through the given logger factory, prompt text only when asked.</summary>
public sealed class EngineLoggingTests
{
    [Fact]
    public void A_load_logs_the_path_device_dtype_and_its_warnings()
    {
        using var rig = new TelemetryRig();
        // BF16 weights computed in fp32, and no tokenizer: two things the user should know.
        string dir = TestModels.TinyBf16;
        using (Glm4vEngine.Load(dir, rig.Options() with { DType = ScalarType.Float32 })) { }

        var loaded = Assert.Single(rig.Logs.GetSnapshot(), r => r.Level == LogLevel.Information);
        Assert.Contains(dir, loaded.Message);
        Assert.Contains("cpu", loaded.Message);
        Assert.Contains("Float32", loaded.Message);
        var warnings = rig.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.Contains(warnings, w => w.Contains("BFloat16") && w.Contains("Float32"));
        Assert.Contains(warnings, w => w.Contains("tokenizer.json"));
    }

    [Fact]
    public void A_failed_load_is_logged_as_an_error()
    {
        using var rig = new TelemetryRig();
        using var dir = new TempDir();
        File.Copy(Path.Combine(ModelDir.Value, "config.json"), Path.Combine(dir.Path, "config.json")); // a config, no weights
        Assert.ThrowsAny<Glm4vException>(() => Glm4vEngine.Load(dir.Path, rig.Options()));
        var error = Assert.Single(rig.Logs.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Contains(dir.Path, error.Message);
        Assert.NotNull(error.Exception);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_request_is_logged_with_its_prompt_only_when_asked(bool logPromptText)
    {
        using var rig = new TelemetryRig();
        // Prepared for a large context, run on an engine whose context is smaller than the prompt.
        using var large = Glm4vEngine.Load(ModelDir.Value, rig.Options());
        using var prompt = await large.Processor.PrepareAsync([new ChatMessage(ChatRole.User, "the secret word is periwinkle, then some more words to lengthen it")]);
        using var small = Glm4vEngine.Load(ModelDir.Value, rig.Options() with { MaxContextTokens = prompt.TokenCount - 1, LogPromptText = logPromptText });
        rig.Logs.Clear();

        await Assert.ThrowsAsync<ContextLengthExceededException>(async () =>
        {
            await foreach (var _ in small.GenerateAsync(prompt.Inputs, Greedy(2))) { }
        });
        var failure = Assert.Single(rig.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Exception is not null);
        Assert.IsType<ContextLengthExceededException>(failure.Exception);
        Assert.Contains(typeof(ContextLengthExceededException).FullName!, failure.Message);
        bool leaked = rig.Logs.GetSnapshot().Any(r => r.Message.Contains("periwinkle"));
        Assert.Equal(logPromptText, leaked);
    }
}
