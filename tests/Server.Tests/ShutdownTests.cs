using Glm4vSK.Server.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.Tests;

/// <summary>Stopping the host lets a running stream finish.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task A_stream_running_at_shutdown_is_drained_to_its_end()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scripted = new ScriptedChatClient(new TextContent("all "), new TextContent("of it")) { Release = release };
        await using var server = await TestServer.StartAsync(scripted);
        using var http = server.Http();
        var sent = http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"test-model","stream":true,"messages":[{"role":"user","content":"go"}]}"""));
        await scripted.Entered.Task.WaitAsync(TimeSpan.FromMinutes(1));

        var stopping = server.StopAsync();
        Assert.False(stopping.IsCompleted); // it waits for the running request
        release.SetResult();
        var data = await Sse.DataAsync(await sent);
        await stopping;

        Assert.Equal("[DONE]", data[^1]);
        Assert.Contains(data, d => d.Contains("\"of it\"", StringComparison.Ordinal));
    }
}
