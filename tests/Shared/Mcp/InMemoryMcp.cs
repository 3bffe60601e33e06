using System.IO.Pipelines;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Glm4vSK.Testing.Mcp;

/// <summary>
/// An MCP server and the SDK's own client joined by in-memory pipes (the stdio framing, without a process): the
/// server runs in the background until disposed.
/// </summary>
public sealed class InMemoryMcp : IAsyncDisposable
{
    readonly CancellationTokenSource _stop;
    readonly Task _serverRun;

    InMemoryMcp(McpServer server, CancellationTokenSource stop, Task serverRun, McpClient client)
    {
        Server = server;
        _stop = stop;
        _serverRun = serverRun;
        Client = client;
    }

    public McpServer Server { get; }
    public McpClient Client { get; }

    /// <summary>Starts a server with <paramref name="tools"/> (or <paramref name="options"/>) and connects a client to it.</summary>
    public static async Task<InMemoryMcp> StartAsync(IEnumerable<McpServerTool>? tools = null, McpServerOptions? options = null,
        McpClientOptions? clientOptions = null)
    {
        Pipe toServer = new(), toClient = new();
        options ??= new McpServerOptions();
        options.ServerInfo ??= new Implementation { Name = "glm4vsk-test", Version = "1.0" };
        if (tools is not null) options.ToolCollection = [.. tools];
        var server = McpServer.Create(new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream()), options);
        var stop = new CancellationTokenSource();
        var run = server.RunAsync(stop.Token);
        var client = await McpClient.CreateAsync(new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()), clientOptions);
        return new InMemoryMcp(server, stop, run, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        _stop.Cancel();
        try { await _serverRun; } catch (OperationCanceledException) { }
        await Server.DisposeAsync();
        _stop.Dispose();
    }
}
