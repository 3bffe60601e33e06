using System.Text.Json;
using Glm4vSK.LocalEngine.Telemetry;
using Glm4vSK.Server;
using Glm4vSK.Server.ChatCompletions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Mounts the OpenAI-compatible endpoints over the app's <see cref="IChatClient"/>:
/// <code>
/// builder.Services.AddGlm4vChatClient(builder.Configuration.GetSection("Glm4v"));
/// builder.Services.AddGlm4vServer(new Glm4vServerOptions { ServedModelNames = ["glm-4.6v"], ApiKeys = ["secret"] });
/// var app = builder.Build();
/// app.MapGlm4vOpenAI();
/// </code>
/// <c>POST /v1/chat/completions</c>, <c>GET /v1/models</c> (both behind the API keys, if any), <c>GET /health</c> and
/// <c>GET /metrics</c> (Prometheus text; open, as vLLM's are).
/// </summary>
public static class Glm4vServerEndpoints
{
    /// <summary>
    /// Registers the server's settings, its request gate and its metrics: OpenTelemetry with the Prometheus exporter,
    /// over the server's meter and the local engine's (<see cref="EngineTelemetryNames.MeterName"/>: time to first
    /// token, time per output token, token usage, queue wait, caches…).
    /// </summary>
    public static IServiceCollection AddGlm4vServer(this IServiceCollection services, Glm4vServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        options ??= new Glm4vServerOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<ServerMetrics>();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ServerMetrics.MeterName, EngineTelemetryNames.MeterName).AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps the endpoints with the settings given to <see cref="AddGlm4vServer"/> (or <paramref name="options"/>, which override them).</summary>
    public static IEndpointRouteBuilder MapGlm4vOpenAI(this IEndpointRouteBuilder endpoints, Glm4vServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var metrics = services.GetService<ServerMetrics>()
            ?? throw new InvalidOperationException("Call services.AddGlm4vServer(...) before app.MapGlm4vOpenAI().");
        options ??= services.GetRequiredService<Glm4vServerOptions>();
        options.Validate();
        var keys = new ApiKeyCheck(options.ApiKeys);
        var gate = new RequestGate(options);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Glm4vSK.Server");
        ChatCompletionsEndpoint? chat = null;
        // The client is resolved on the first request: registering it may load nothing until then.
        ChatCompletionsEndpoint Chat() => chat ??= new ChatCompletionsEndpoint(options, services.GetRequiredService<IChatClient>(), metrics, gate, logger);

        endpoints.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            if (await Authorized(http, keys)) await Chat().HandleAsync(http);
        });
        endpoints.MapGet("/v1/models", async (HttpContext http) =>
        {
            if (!await Authorized(http, keys)) return;
            http.Response.ContentType = "application/json";
            await using var w = new Utf8JsonWriter(http.Response.Body);
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            foreach (var name in options.ServedModelNames)
            {
                w.WriteStartObject();
                w.WriteString("id", name);
                w.WriteString("object", "model");
                w.WriteNumber("created", created);
                w.WriteString("owned_by", "glm4vsk");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        endpoints.MapGet("/health", () => Results.Ok());
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }

    static async Task<bool> Authorized(HttpContext http, ApiKeyCheck keys)
    {
        if (keys.Accepts(http.Request.Headers.Authorization)) return true;
        http.Response.Headers.WWWAuthenticate = "Bearer";
        bool sent = !string.IsNullOrEmpty(http.Request.Headers.Authorization);
        await ChatCompletionsEndpoint.WriteErrorResponseAsync(http, new OpenAIErrorException(401,
            sent ? "The API key is not valid." : "An API key is required: send it as 'Authorization: Bearer KEY'.",
            null, "invalid_api_key", "authentication_error"));
        return false;
    }
}
