namespace Glm4vSK.LocalEngine.Tests.Caching;

/// <summary>The cache budgets are checked with the other engine options, before anything is loaded.</summary>
public sealed class CacheOptionsTests
{
    const string NoSuchModel = "/nonexistent/glm4v-cache-options-test";

    public static TheoryData<string, long> Budgets() => new()
    {
        { nameof(EngineOptions.PrefixCacheBytes), -1 },
        { nameof(EngineOptions.PrefixCacheBytes), long.MinValue },
        { nameof(EngineOptions.ImageCacheBytes), -1 },
        { nameof(EngineOptions.ImageCacheBytes), long.MinValue },
    };

    static EngineOptions With(string field, long value) => field == nameof(EngineOptions.PrefixCacheBytes)
        ? new EngineOptions { PrefixCacheBytes = value }
        : new EngineOptions { ImageCacheBytes = value };

    [Theory, MemberData(nameof(Budgets))]
    public void A_negative_budget_fails_before_anything_is_loaded_naming_the_field(string field, long value)
    {
        var options = With(field, value);
        var e = Assert.Throws<ArgumentException>(() => { using var _ = Glm4vEngine.Load(NoSuchModel, options); });
        Assert.Equal(field, e.ParamName);
        Assert.Contains($"EngineOptions.{field}", e.Message);
        Assert.Contains("0 disables", e.Message);
        Assert.Equal(field, Assert.Single(options.FindProblems()).Field);
    }

    [Fact]
    public void Zero_disables_a_cache_and_the_defaults_enable_both()
    {
        Assert.Empty(new EngineOptions { PrefixCacheBytes = 0, ImageCacheBytes = 0 }.FindProblems());
        var defaults = new EngineOptions();
        Assert.True(defaults.PrefixCacheBytes > 0 && defaults.ImageCacheBytes > 0);
        Assert.Equal(nameof(EngineOptions.PrefixBlockTokens), Assert.Single(new EngineOptions { PrefixBlockTokens = 0 }.FindProblems()).Field);
        Assert.Null(LocalEngine.Caching.EngineCaches.For(new EngineOptions { PrefixCacheBytes = 0, ImageCacheBytes = 0 }));
        using var both = LocalEngine.Caching.EngineCaches.For(defaults)!;
        Assert.Equal(defaults.PrefixCacheBytes, both.Prefix!.BudgetBytes);
        Assert.Equal(defaults.ImageCacheBytes, both.Images!.BudgetBytes);
        using var prefixOnly = LocalEngine.Caching.EngineCaches.For(defaults with { ImageCacheBytes = 0 })!;
        Assert.Null(prefixOnly.Images);
    }
}
