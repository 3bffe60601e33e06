using System.Net;
using System.Text.Json;
using Glm4vSK.Cli;
using Glm4vSK.Cli.Hosting;
using Glm4vSK.Server.Tests.Support;

namespace Glm4vSK.Server.Tests;

/// <summary><c>glm4v serve</c> through the CLI entry on port 0: one listening line, answers, stops on cancellation.</summary>
public sealed class ServeCommandTests
{
    /// <summary>Collects stdout and completes <see cref="Listening"/> with the first line written.</summary>
    sealed class LineWriter : StringWriter
    {
        public TaskCompletionSource<string> Listening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void WriteLine(string? value)
        {
            lock (this) base.WriteLine(value);
            Listening.TrySetResult(value ?? "");
        }
    }

    [Fact]
    public async Task Serve_on_port_0_prints_the_listening_line_answers_and_stops_on_cancellation()
    {
        var output = new LineWriter();
        var error = new StringWriter();
        using var cts = new CancellationTokenSource();
        var run = Glm4vCli.InvokeAsync(["serve", "--model", TinyModel.Directory(), "--demo-tokenizer", "--port", "0", "--api-key", "k1", "--served-model-name", "tiny-served"],
            output, error, cancellationToken: cts.Token);

        var first = await Task.WhenAny(output.Listening.Task, run);
        if (first == run) Assert.Fail($"serve ended early: exit {await run}\n{error}");
        string line = await output.Listening.Task;
        Assert.Matches(@"^listening on http://127\.0\.0\.1:[0-9]+$", line);
        var root = new Uri(line["listening on ".Length..]);
        Assert.NotEqual(0, root.Port);

        using var http = new HttpClient { BaseAddress = root };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "k1");
        using (var models = JsonDocument.Parse(await http.GetStringAsync("/v1/models")))
            Assert.Equal("tiny-served", models.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
        var response = await http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"tiny-served","max_tokens":4,"temperature":0,"messages":[{"role":"user","content":"hello"}]}"""));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using (var doc = JsonDocument.Parse(body))
            Assert.Equal(4, doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        // The chat page is served at / without a key (the page itself sends the key to /v1 only).
        using (var anonymous = new HttpClient { BaseAddress = root })
        {
            var page = await anonymous.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/models")).StatusCode);
        }

        cts.Cancel();
        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal([line], output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)); // exactly one line on stdout
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("/health"));
    }

    [Fact]
    public async Task After_one_request_metrics_lists_time_to_first_token_time_per_output_token_and_token_usage()
    {
        var output = new LineWriter();
        var error = new StringWriter();
        using var cts = new CancellationTokenSource();
        var run = Glm4vCli.InvokeAsync(["serve", "--model", TinyModel.Directory(), "--demo-tokenizer", "--port", "0"], output, error, cancellationToken: cts.Token);
        var first = await Task.WhenAny(output.Listening.Task, run);
        if (first == run) Assert.Fail($"serve ended early: exit {await run}\n{error}");
        using var http = new HttpClient { BaseAddress = new Uri((await output.Listening.Task)["listening on ".Length..]) };

        var response = await http.PostAsync("/v1/chat/completions", Sse.Json("""{"max_tokens":4,"temperature":0,"ignore_eos":true,"messages":[{"role":"user","content":"hello"}]}"""));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        string metrics = await http.GetStringAsync("/metrics");
        cts.Cancel();
        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromMinutes(1)));

        // The engine's meter, in Prometheus names: histograms in seconds get the unit suffix, token counts none.
        var series = metrics.Split('\n').Where(l => !l.StartsWith('#')).ToList();
        Assert.Contains(series, l => l.StartsWith("gen_ai_server_time_to_first_token_seconds_count{", StringComparison.Ordinal) && Count(l) >= 1);
        Assert.Contains(series, l => l.StartsWith("gen_ai_server_time_per_output_token_seconds_count{", StringComparison.Ordinal) && Count(l) >= 1);
        Assert.Contains(series, l => l.StartsWith("gen_ai_client_token_usage_sum{", StringComparison.Ordinal) && l.Contains("gen_ai_token_type=\"output\"") && Count(l) >= 4);
        Assert.Contains(series, l => l.StartsWith("gen_ai_client_token_usage_sum{", StringComparison.Ordinal) && l.Contains("gen_ai_token_type=\"input\"") && Count(l) >= 1);
        Assert.Contains(series, l => l.StartsWith("gen_ai_server_request_duration_seconds_count{", StringComparison.Ordinal));

        // A Prometheus sample line ends with its value (and, optionally, a timestamp).
        static double Count(string line) => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_engines_load_warnings_go_to_stderr()
    {
        // Loading in the other dtype than the stored one converts the weights: the engine warns about the copy.
        string other = TinyModel.Engine.DType == TorchSharp.torch.ScalarType.Float32 ? "bfloat16" : "float32";
        var output = new LineWriter();
        var error = new StringWriter();
        using var cts = new CancellationTokenSource();
        var run = Glm4vCli.InvokeAsync(["serve", "--model", TinyModel.Directory(), "--demo-tokenizer", "--port", "0", "--dtype", other], output, error, cancellationToken: cts.Token);
        var first = await Task.WhenAny(output.Listening.Task, run);
        if (first == run) Assert.Fail($"serve ended early: exit {await run}\n{error}");
        cts.Cancel();
        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromMinutes(1)));
        string log;
        lock (error) log = error.ToString();
        Assert.Contains(log.Split('\n'), l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains("converted to", StringComparison.Ordinal));
        Assert.DoesNotContain("info: ", log, StringComparison.Ordinal); // warnings and errors only
    }

    [Fact]
    public async Task Serve_refuses_a_host_that_is_not_an_address()
    {
        var error = new StringWriter();
        int code = await Glm4vCli.InvokeAsync(["serve", "--model", TinyModel.Directory(), "--demo-tokenizer", "--host", "example.com"], new StringWriter(), error);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--host", error.ToString());
    }
}
