using System.Diagnostics;
using System.Text.Json;
using Glm4vSK.Server.Tests.Support;

namespace Glm4vSK.Server.Tests;

/// <summary>Many streams at once on the tiny model, some dropped by their clients: the rest complete, the dropped ones are cancelled, memory stays flat.</summary>
public sealed class ConcurrencyTests
{
    const int Streams = 64;

    [Fact]
    public async Task Sixty_four_streams_with_random_disconnects_complete_or_cancel_and_memory_stays_flat()
    {
        var observed = new ObservedChatClient(TinyModel.Client());
        await using var server = await TestServer.StartAsync(observed, new Glm4vServerOptions { ServedModelNames = ["tiny"] });
        // No draining of a response dropped mid-way (HttpClient would read it to its end to reuse the connection): a drop closes the connection, as a client that goes away does.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.Root, Timeout = TimeSpan.FromMinutes(10) };

        int dropped = 0;
        async Task Round(int seed)
        {
            var rng = new Random(seed);
            var drops = Enumerable.Range(0, Streams).Select(_ => rng.Next(4) == 0).ToArray();
            dropped += drops.Count(d => d);
            await Task.WhenAll(Enumerable.Range(0, Streams).Select(i => OneStream(http, i, drops[i])));
        }

        await Round(1); // warm-up: pools, caches and the JIT reach their size
        await WaitForAsync(() => observed.Completed + observed.Cancelled == Streams);
        long rss0 = Rss();
        for (int r = 2; r <= 3; r++) await Round(r);
        await WaitForAsync(() => observed.Completed + observed.Cancelled == 3 * Streams);
        long growth = Rss() - rss0;

        Assert.Equal(3 * Streams - dropped, observed.Completed);
        Assert.Equal(dropped, observed.Cancelled);
        Assert.True(dropped > 0, "no stream was dropped");
        Assert.True(growth < 96L << 20, $"RSS grew by {growth >> 20} MiB over two rounds of {Streams} streams.");
    }

    /// <summary>A stream that runs to [DONE] (a short answer), or one that hangs up after the role chunk, sent once generation has begun (a long answer it never waits for).</summary>
    static async Task OneStream(HttpClient shared, int i, bool drop)
    {
        // A dropping client has its own connection and closes it (disposing its handler), as a client that goes away does.
        using var own = drop ? new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = shared.BaseAddress } : null;
        var http = own ?? shared;
        string body = JsonSerializer.Serialize(new
        {
            model = "tiny",
            stream = true,
            messages = new[] { new { role = "user", content = $"Tell me about number {i}." } },
            max_tokens = drop ? 4000 : 6,
            ignore_eos = true,
            temperature = 0,
        });
        using var cts = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Sse.Json(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.True(response.IsSuccessStatusCode, $"stream {i}: {(int)response.StatusCode}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        bool done = false;
        int chunks = 0;
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (line == "data: [DONE]") { done = true; break; }
            Assert.DoesNotContain("\"error\"", line);
            if (++chunks == 1 && drop)
            {
                cts.Cancel(); // the client goes away mid-answer
                return;
            }
        }
        Assert.True(done, $"stream {i} ended without [DONE]");
    }

    static async Task WaitForAsync(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("the server's streams did not all end");
            await Task.Delay(50);
        }
    }

    static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return Process.GetCurrentProcess().WorkingSet64;
    }
}
