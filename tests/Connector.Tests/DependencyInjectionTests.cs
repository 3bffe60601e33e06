using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.Connector.Tests;

/// <summary><c>AddGlm4vChatClient</c> / <c>AddKeyedGlm4vChatClient</c>: binding, validation, lazy engine, disposal, middleware.</summary>
public sealed class DependencyInjectionTests(TinyModel model) : IClassFixture<TinyModel>
{
    static IConfiguration Config(params (string Key, string? Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    static LazyEngineBackend Backend(IChatClient client) => Assert.IsType<LazyEngineBackend>(client.GetService<IGenerationBackend>());

    [Fact]
    public async Task Every_setting_binds_from_configuration_and_the_engine_loads_on_the_first_request_and_dies_with_the_container()
    {
        int threads = torch.get_num_threads(); // process-wide: keep it as it is
        var config = Config(
            ("Glm4v:ModelPath", model.Dir), ("Glm4v:Device", "cpu"), ("Glm4v:DType", "float32"), ("Glm4v:MaxContextTokens", "512"),
            ("Glm4v:MinPixels", "3136"), ("Glm4v:MaxPixels", "50176"), ("Glm4v:AllowedFileRoots:0", model.Photos),
            ("Glm4v:EnableThinking", "false"), ("Glm4v:ModelId", "tiny-glm"), ("Glm4v:CpuThreads", threads.ToString()),
            ("Glm4v:MaxOutputTokens", "3"), ("Glm4v:IncludeReasoning", "false"), ("Glm4v:Download", "true"),
            ("Glm4v:PrefixCacheBytes", "1048576"), ("Glm4v:ImageCacheBytes", "0"),
            ("Glm4v:MaxBatchSize", "3"), ("Glm4v:MaxPrefillTokensPerStep", "512"));
        var services = new ServiceCollection();
        services.AddGlm4vChatClient(config.GetSection("Glm4v"));
        var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();
        Assert.Equal("tiny-glm", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        var holder = Backend(client).Holder;
        Assert.False(holder.IsLoaded, "resolving the client does not load the model");
        var options = client.GetService<Glm4vChatClient>()!.Options;
        Assert.Equal(new Glm4vChatClientOptions { ModelId = "tiny-glm", EnableThinking = false, IncludeReasoning = false, MaxOutputTokens = 3, MinPixels = 3136, MaxPixels = 50176 }, options);

        var image = new UriContent(new Uri(Path.Combine(model.Photos, "gradient.png")), "image/png");
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [image, new TextContent("What is this?")])]);
        Assert.True(holder.IsLoaded);
        Assert.InRange(response.Usage!.OutputTokenCount!.Value, 1, 3); // MaxOutputTokens
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>()); // IncludeReasoning = false

        var engine = client.GetService<Glm4vEngine>()!;
        Assert.Same(engine, holder.Engine);
        Assert.Equal("cpu", engine.Options.Device);
        Assert.Equal(ScalarType.Float32, engine.Options.DType);
        Assert.Equal(512, engine.ContextTokens);
        Assert.Equal(threads, engine.Options.CpuThreads);
        Assert.True(engine.Options.Download); // a directory path: nothing to download, the opt-in is only carried
        Assert.Equal((1L << 20, 0L), (engine.Options.PrefixCacheBytes, engine.Options.ImageCacheBytes));
        Assert.Equal((3, 512), (engine.Options.MaxBatchSize, engine.Options.MaxPrefillTokensPerStep));
        Assert.Equal([Path.GetFullPath(model.Photos)], engine.Options.Processor!.MediaAccess.AllowedFileRoots);

        // the pixel budget reaches the image processor: the prompt has the size the settings' budget gives
        ChatMessage[] question = [new ChatMessage(ChatRole.User, [image, new TextContent("What is this?")])];
        using (var withSettings = await engine.Processor.PrepareAsync(question, new PromptOptions { MinPixels = 3136, MaxPixels = 50176 }))
        using (var withCheckpoint = await engine.Processor.PrepareAsync(question))
        {
            Assert.Equal(withSettings.TokenCount, response.Usage.InputTokenCount);
            Assert.NotEqual(withCheckpoint.TokenCount, response.Usage.InputTokenCount);
        }

        // files outside AllowedFileRoots are refused
        var outside = new UriContent(new Uri(Path.Combine(model.Dir, "config.json")), "image/png");
        await Assert.ThrowsAsync<MediaAccessDeniedException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, [outside])]));

        provider.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            await foreach (var _ in engine.GenerateAsync([new ChatMessage(ChatRole.User, "hi")])) { }
        });
    }

    [Fact]
    public async Task Code_settings_keyed_registrations_and_middleware_chaining()
    {
        var services = new ServiceCollection();
        services.AddKeyedGlm4vChatClient("a", s => { s.ModelPath = model.Dir; s.ModelId = "model-a"; s.MaxOutputTokens = 2; })
            .UseFunctionInvocation()
            .UseOpenTelemetry();
        services.AddKeyedGlm4vChatClient("b", Config(("Models:B:ModelPath", model.Dir), ("Models:B:DType", "bf16")).GetSection("Models:B"), s => s.MaxOutputTokens = 1);
        services.AddGlm4vChatClient(s => s.ModelPath = "/nonexistent/glm4v-model").UseFunctionInvocation();
        await using var provider = services.BuildServiceProvider();

        var a = provider.GetRequiredKeyedService<IChatClient>("a");
        var b = provider.GetRequiredKeyedService<IChatClient>("b");
        var unkeyed = provider.GetRequiredService<IChatClient>();
        Assert.NotNull(a.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(a.GetService<OpenTelemetryChatClient>());
        Assert.Equal("model-a", a.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Null(b.GetService<FunctionInvokingChatClient>());
        Assert.Equal(Path.GetFileName(model.Dir), b.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.NotSame(Backend(a).Holder, Backend(b).Holder); // each registration has its own engine
        Assert.Equal(ScalarType.BFloat16, Backend(b).Holder.Options.DType);

        // through the middleware to the engine and back
        var response = await a.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);
        Assert.InRange(response.Usage!.OutputTokenCount!.Value, 1, 2);
        Assert.False(Backend(b).Holder.IsLoaded);

        // a bad path resolves fine (lazy) and fails on use, saying why; the failure is not cached
        Assert.False(Backend(unkeyed).Holder.IsLoaded);
        var e = await Assert.ThrowsAsync<Glm4vException>(() => unkeyed.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));
        Assert.Contains("/nonexistent/glm4v-model", e.Message);
        await Assert.ThrowsAsync<Glm4vException>(() => unkeyed.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));
    }

    [Fact]
    public void Invalid_settings_fail_at_registration_naming_the_configuration_keys()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGlm4vChatClient(Config(("Glm4v:Device", "gpu")).GetSection("Glm4v")));
        Assert.Contains("'Glm4v:ModelPath' is not set", e.Message);
        Assert.Contains("--Glm4v:ModelPath=", e.Message);
        Assert.Contains("'Glm4v:Device' is 'gpu'", e.Message);

        e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddKeyedGlm4vChatClient("k", s =>
        {
            s.ModelPath = model.Dir;
            s.DType = "int8";
            s.MinPixels = 100;
            s.MaxPixels = 10;
            s.MaxContextTokens = 0;
            s.AllowedFileRoots.Add(" ");
        }));
        Assert.Contains("'Glm4vClientSettings.DType' is 'int8'", e.Message);
        Assert.Contains("'Glm4vClientSettings.MinPixels' (100) is larger than 'Glm4vClientSettings.MaxPixels' (10)", e.Message);
        Assert.Contains("'Glm4vClientSettings.MaxContextTokens' is 0", e.Message);
        Assert.Contains("'Glm4vClientSettings.AllowedFileRoots:0' is empty", e.Message);
        Assert.DoesNotContain("ModelPath", e.Message);

        e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGlm4vChatClient(s => { }));
        Assert.Contains("'Glm4vClientSettings.ModelPath' is not set", e.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("100000")]
    public void Thread_counts_follow_the_engine_rules_at_registration(string threads)
    {
        // The settings report EngineOptions' own problems: the same bound, the same wording, under the configuration key.
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGlm4vChatClient(
            Config(("Glm4v:ModelPath", model.Dir), ("Glm4v:CpuThreads", threads)).GetSection("Glm4v")));
        var engineProblem = Assert.Single(new EngineOptions { CpuThreads = int.Parse(threads) }.FindProblems());
        Assert.Contains(engineProblem.Describe("Glm4v:CpuThreads"), e.Message);
    }

    [Fact]
    public void Cache_budgets_default_to_the_engines_and_a_negative_one_is_refused_at_registration()
    {
        var defaults = new EngineOptions();
        Assert.True(defaults.PrefixCacheBytes > 0 && defaults.ImageCacheBytes > 0);
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGlm4vChatClient(
            Config(("Glm4v:ModelPath", model.Dir), ("Glm4v:PrefixCacheBytes", "-1")).GetSection("Glm4v")));
        Assert.Contains("Glm4v:PrefixCacheBytes", e.Message);
    }

    [Fact]
    public void Client_pixel_defaults_yield_to_per_request_values()
    {
        var defaults = new Glm4vChatClientOptions { MinPixels = 3136, MaxPixels = 50176 };
        ChatMessage[] messages = [new(ChatRole.User, "x")];
        var plain = ChatOptionsMapper.Map(messages, null, defaults, ChatTemplateFamily.Glm45v, null!);
        Assert.Equal((3136L, 50176L), (plain.Prompt.MinPixels, plain.Prompt.MaxPixels));
        var overridden = ChatOptionsMapper.Map(messages, new ChatOptions { AdditionalProperties = new() { ["max_pixels"] = 100352 } }, defaults, ChatTemplateFamily.Glm45v, null!);
        Assert.Equal((3136L, 100352L), (overridden.Prompt.MinPixels, overridden.Prompt.MaxPixels));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("auto", null)]
    [InlineData("float32", ScalarType.Float32)]
    [InlineData("FP32", ScalarType.Float32)]
    [InlineData("bfloat16", ScalarType.BFloat16)]
    [InlineData("bf16", ScalarType.BFloat16)]
    [InlineData("float16", ScalarType.Float16)]
    [InlineData("fp16", ScalarType.Float16)]
    public void DType_names(string? text, ScalarType? expected)
    {
        Assert.True(Glm4vClientSettings.TryParseDType(text, out var dtype));
        Assert.Equal(expected, dtype);
    }

    [Fact]
    public void A_hub_id_names_the_model_when_no_model_id_is_given()
    {
        var settings = new Glm4vClientSettings { ModelPath = "zai-org/GLM-4.6V-Flash" };
        Assert.Equal("zai-org/GLM-4.6V-Flash", settings.ToClientOptions().ModelId);
        Assert.Null(new Glm4vClientSettings { ModelPath = model.Dir }.ToClientOptions().ModelId); // the directory's name, from the client
    }
}
