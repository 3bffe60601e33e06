using System.Net;
using Glm4vSK.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glm4vSK.Server.Tests.Support;

/// <summary>The endpoints on Kestrel at 127.0.0.1 and a free port, in-process, over a given client.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    readonly WebApplication _app;

    TestServer(WebApplication app, Uri root, Glm4vServerOptions options)
    {
        _app = app;
        Root = root;
        Options = options;
    }

    public Uri Root { get; }
    public Uri V1 => new(Root, "/v1/");
    public Glm4vServerOptions Options { get; }
    public string Model => Options.ServedModelNames[0];

    public static async Task<TestServer> StartAsync(IChatClient client, Glm4vServerOptions? options = null)
    {
        options ??= new Glm4vServerOptions { ServedModelNames = ["test-model"] };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(client);
        builder.Services.AddGlm4vServer(options);
        var app = builder.Build();
        app.MapGlm4vOpenAI();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, new Uri(address), options);
    }

    public HttpClient Http() => new() { BaseAddress = Root, Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>Stops as the host does on Ctrl+C: no new connections, running requests finish.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
