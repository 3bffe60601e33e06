namespace Glm4vSK.LocalEngine.Tests.Batching;

/// <summary>The batching settings are checked with the other engine options, before anything is loaded.</summary>
public sealed class BatchOptionsTests
{
    const string NoSuchModel = "/nonexistent/glm4v-batch-options-test";

    public static TheoryData<string, int> Invalid() => new()
    {
        { nameof(EngineOptions.MaxBatchSize), 0 },
        { nameof(EngineOptions.MaxBatchSize), -1 },
        { nameof(EngineOptions.MaxBatchSize), EngineOptions.MaxBatchSizeLimit + 1 },
        { nameof(EngineOptions.MaxPrefillTokensPerStep), 0 },
        { nameof(EngineOptions.MaxPrefillTokensPerStep), int.MinValue },
    };

    static EngineOptions With(string field, int value) => field == nameof(EngineOptions.MaxBatchSize)
        ? new EngineOptions { MaxBatchSize = value }
        : new EngineOptions { MaxPrefillTokensPerStep = value };

    [Theory, MemberData(nameof(Invalid))]
    public void An_invalid_setting_fails_before_anything_is_loaded_naming_the_field(string field, int value)
    {
        var options = With(field, value);
        var e = Assert.Throws<ArgumentException>(() => { using var _ = Glm4vEngine.Load(NoSuchModel, options); });
        Assert.Equal(field, e.ParamName);
        Assert.Contains($"EngineOptions.{field}", e.Message);
        Assert.Contains("use", e.Message);
        Assert.Equal(field, Assert.Single(options.FindProblems()).Field);
    }

    [Fact]
    public void Batching_is_on_by_default_and_a_batch_size_of_one_turns_it_off()
    {
        var defaults = new EngineOptions();
        Assert.True(defaults.MaxBatchSize > 1 && defaults.MaxPrefillTokensPerStep > 0);
        Assert.Empty(new EngineOptions { MaxBatchSize = 1, MaxPrefillTokensPerStep = 1 }.FindProblems());
        Assert.Empty(new EngineOptions { MaxBatchSize = EngineOptions.MaxBatchSizeLimit }.FindProblems());
        string name = RandomModels.Configs.Keys.First();
        string dir = RandomModels.Dir(name, RandomModels.Configs[name]);
        using (var on = Glm4vEngine.Load(dir, new EngineOptions()))
            Assert.NotNull(on.Scheduler);
        using (var off = Glm4vEngine.Load(dir, new EngineOptions { MaxBatchSize = 1 }))
            Assert.Null(off.Scheduler);
    }
}
