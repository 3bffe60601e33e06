using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// <c>AddGlm4vRemoteChatClient</c> / <c>AddKeyedGlm4vRemoteChatClient</c>: binding, validation, requests through
/// <c>IHttpClientFactory</c>'s handlers (a recording handler, the standard resilience handler), against a fake server on 127.0.0.1.
/// </summary>
public sealed class RemoteDependencyInjectionTests
{
    static IConfiguration Config(params (string Key, string? Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    static BodyReply Answer(string text) => new(200, VllmWire.Completion(new JsonObject { ["content"] = text }, "stop"));

    /// <summary>A handler added through the <c>IHttpClientBuilder</c>: it sees each request the factory's chain sends.</summary>
    sealed class RecordingHandler(ConcurrentQueue<string> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Enqueue($"{request.Method} {request.RequestUri}");
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task Settings_bind_from_configuration_and_requests_go_through_the_factory_handlers()
    {
        await using var server = new FakeChatServer((_, _) => Answer("Hello from the server."));
        var config = Config(
            ("Glm4vRemote:Endpoint", server.BaseUri.ToString()), ("Glm4vRemote:Model", "served-glm"), ("Glm4vRemote:ApiKey", "sk-di"),
            ("Glm4vRemote:Dialect", "OpenAICompatible"), ("Glm4vRemote:Timeout", "00:02:00"), ("Glm4vRemote:StreamIdleTimeout", "00:01:00"),
            ("Glm4vRemote:MaxResponseBytes", "100000"), ("Glm4vRemote:MaxEventBytes", "5000"), ("Glm4vRemote:EnableThinking", "false"),
            ("Glm4vRemote:IncludeReasoning", "false"), ("Glm4vRemote:MaxOutputTokens", "7"), ("Glm4vRemote:ExtractAnswer", "true"));
        var seen = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddGlm4vRemoteChatClient(config.GetSection(Glm4vRemoteClientSettings.DefaultConfigSectionName),
            http: h => h.AddHttpMessageHandler(() => new RecordingHandler(seen)));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();
        var remote = Assert.IsType<Glm4vRemoteChatClient>(client.GetService<Glm4vRemoteChatClient>());
        Assert.Equal(new Uri(server.BaseUri + "/chat/completions"), remote.ChatCompletionsEndpoint);
        Assert.Equal("served-glm", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        var options = client.GetService<Glm4vRemoteOptions>()!;
        Assert.Equal(new Glm4vRemoteOptions
        {
            HttpClient = options.HttpClient, Timeout = TimeSpan.FromMinutes(2), StreamIdleTimeout = TimeSpan.FromMinutes(1), MaxResponseBytes = 100000,
            MaxEventBytes = 5000, EnableThinking = false, IncludeReasoning = false, MaxOutputTokens = 7, ExtractAnswer = true,
        }, options);

        var response = await client.GetResponseAsync("Hi");
        Assert.Equal("Hello from the server.", response.Text);
        Assert.Equal([$"POST {remote.ChatCompletionsEndpoint}"], seen);
        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer sk-di", request.Headers["authorization"]);
        Assert.Equal("served-glm", (string?)request.Json["model"]);
        Assert.Equal(7, (int?)request.Json["max_tokens"]);
        Assert.False((bool?)request.Json["chat_template_kwargs"]?["enable_thinking"]);
    }

    [Fact]
    public async Task A_keyed_client_uses_its_own_named_client_which_a_later_AddHttpClient_can_extend()
    {
        await using var server = new FakeChatServer((_, _) => Answer("keyed"));
        var seen = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddKeyedGlm4vRemoteChatClient("vision", s => { s.Endpoint = server.BaseUri.ToString(); s.Model = "m"; });
        services.AddHttpClient($"{Glm4vRemoteClientSettings.DefaultHttpClientName}:vision").AddHttpMessageHandler(() => new RecordingHandler(seen));
        services.AddGlm4vRemoteChatClient(s => { s.Endpoint = "http://127.0.0.1:9/v1"; s.Model = "other"; s.HttpClientName = "mine"; });
        await using var provider = services.BuildServiceProvider();

        var keyed = provider.GetRequiredKeyedService<IChatClient>("vision");
        Assert.Equal("keyed", (await keyed.GetResponseAsync("Hi")).Text);
        Assert.Single(seen);
        Assert.Equal("other", provider.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public async Task The_standard_resilience_handler_chains_and_retries_a_transient_failure()
    {
        // The first request fails with 503; the resilience handler's retry gets the answer.
        await using var server = new FakeChatServer((_, n) => n == 0 ? new BodyReply(503, "{\"error\": {\"message\": \"warming up\"}}") : Answer("after a retry"));
        var services = new ServiceCollection();
        services.AddGlm4vRemoteChatClient(s => { s.Endpoint = server.BaseUri.ToString(); s.Model = "m"; },
            http => http.AddStandardResilienceHandler(o =>
            {
                // The defaults (10 s an attempt, 30 s in all) would cut a long generation off: raise them.
                o.AttemptTimeout.Timeout = TimeSpan.FromMinutes(10);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(20); // at least twice the attempt timeout
                o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(30);
                o.Retry.Delay = TimeSpan.FromMilliseconds(1);
            }));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync("Hi")) updates.Add(u); // a JSON answer to a streaming request
        Assert.Equal("after a retry", updates.ToChatResponse().Text);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(server.Requests[0].Body, server.Requests[1].Body);
    }

    [Fact]
    public void Invalid_settings_fail_at_registration_naming_their_configuration_keys()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGlm4vRemoteChatClient(
            Config(("Glm4vRemote:Endpoint", "ftp://host/v1"), ("Glm4vRemote:Timeout", "00:00:00"), ("Glm4vRemote:MaxEventBytes", "0")).GetSection("Glm4vRemote")));
        Assert.Contains("'Glm4vRemote:Endpoint' is 'ftp://host/v1'", e.Message);
        Assert.Contains("'Glm4vRemote:Model' is not set", e.Message);
        Assert.Contains("--Glm4vRemote:Model=", e.Message);
        Assert.Contains("'Glm4vRemote:Timeout' is 00:00:00", e.Message);
        Assert.Contains("'Glm4vRemote:MaxEventBytes' is 0", e.Message);

        e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddKeyedGlm4vRemoteChatClient("k", s =>
        {
            s.Model = "m";
            s.StreamIdleTimeout = TimeSpan.FromSeconds(-5);
            s.MaxResponseBytes = -1;
            s.MaxOutputTokens = 0;
            s.HttpClientName = " ";
            s.Dialect = (Glm4vServerDialect)7;
        }));
        Assert.Contains("'Glm4vRemoteClientSettings.Endpoint' is not set", e.Message);
        Assert.Contains("'Glm4vRemoteClientSettings.StreamIdleTimeout' is -00:00:05", e.Message);
        Assert.Contains("'Glm4vRemoteClientSettings.MaxResponseBytes' is -1", e.Message);
        Assert.Contains("'Glm4vRemoteClientSettings.MaxOutputTokens' is 0", e.Message);
        Assert.Contains("'Glm4vRemoteClientSettings.HttpClientName' is empty", e.Message);
        Assert.Contains("'Glm4vRemoteClientSettings.Dialect' is 7", e.Message);
        Assert.DoesNotContain("Model", e.Message);

        // no limit at all is allowed
        new ServiceCollection().AddGlm4vRemoteChatClient(s => { s.Endpoint = "http://127.0.0.1:9/v1"; s.Model = "m"; s.Timeout = s.StreamIdleTimeout = Timeout.InfiniteTimeSpan; });
    }
}
