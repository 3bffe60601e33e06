using Glm4vSK.Connector.Tests.Support;
using System.Collections.Concurrent;
using System.ComponentModel;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// Our own versions of the checks MEAI's ChatClientIntegrationTests (dotnet/extensions) makes, run on the scripted
/// backend (real tokenizer, template and parsers; the "model" answers from a script). Not ported: DescribePdf (GLM-4V
/// reads no PDFs), the OpenTelemetry test (no OpenTelemetry packages here; our metadata gives a file:// provider URI),
/// the SummarizingChatReducer tests (they need a real language model), and output-varies-without-cache (a script
/// cannot vary). Checks that need real language are replaced by checks on what the model was given.
/// </summary>
public sealed class ConformanceTests
{
    static (Glm4vChatClient Client, ScriptedBackend Backend) Make(params string[] script)
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), script);
        return (new Glm4vChatClient(backend), backend);
    }

    static string Prompt(ScriptedBackend b, int request) => b.Processor.Tokenizer.Decode(b.Requests[request].Ids.Select(i => (int)i));

    static readonly ChatOptions NoThinking = new() { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } };

    [Fact]
    public async Task GetResponseAsync_SingleRequestMessage()
    {
        var (client, _) = Make("The blue whale.<|endoftext|>");
        var r = await client.GetResponseAsync("What's the biggest animal?", NoThinking);
        Assert.Contains("whale", r.Text, StringComparison.OrdinalIgnoreCase);
        var m = Assert.Single(r.Messages);
        Assert.Equal(ChatRole.Assistant, m.Role);
        Assert.NotNull(r.ResponseId);
        Assert.NotNull(m.MessageId);
    }

    [Fact]
    public async Task GetResponseAsync_MultipleRequestMessages_AllReachTheModel()
    {
        var (client, backend) = Make("America and Asia.<|endoftext|>");
        var r = await client.GetResponseAsync(
        [
            new(ChatRole.User, "Pick a city, any city"),
            new(ChatRole.Assistant, "Seattle"),
            new(ChatRole.User, "And another one"),
            new(ChatRole.Assistant, "Jakarta"),
            new(ChatRole.User, "What continent are they each in?"),
        ], NoThinking);
        Assert.Contains("America", r.Text);
        string prompt = Prompt(backend, 0);
        Assert.True(prompt.IndexOf("Seattle", StringComparison.Ordinal) < prompt.IndexOf("Jakarta", StringComparison.Ordinal));
        Assert.EndsWith("<|assistant|>\n<think></think>\n", prompt);
    }

    [Fact]
    public async Task GetResponseAsync_WithEmptyMessage()
    {
        var (client, _) = Make("Hello.<|endoftext|>");
        var r = await client.GetResponseAsync([new(ChatRole.System, []), new(ChatRole.User, []), new(ChatRole.User, "hi")], NoThinking);
        Assert.Equal("Hello.", r.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Text_HasOneTurnIdentity()
    {
        var (client, _) = Make("That's one small step for a man, one giant leap for mankind.<|endoftext|>");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync("Quote Neil Armstrong", NoThinking)) updates.Add(u);
        Assert.True(updates.Count > 3);
        Assert.Equal("That's one small step for a man, one giant leap for mankind.", string.Concat(updates.Select(u => u.Text)));
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
        Assert.Single(updates.Select(u => u.MessageId).Distinct());
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
    }

    [Fact]
    public async Task Usage_NonStreamingAndStreaming()
    {
        var (client, _) = Make("Twelve.<|endoftext|>", "Twelve.<|endoftext|>");
        var r = await client.GetResponseAsync("Explain in 10 words how AI works", NoThinking);
        Assert.True(r.Usage!.InputTokenCount > 1 && r.Usage.OutputTokenCount > 1);
        Assert.Equal(r.Usage.InputTokenCount + r.Usage.OutputTokenCount, r.Usage.TotalTokenCount);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync("Explain in 10 words how AI works", NoThinking)) updates.Add(u);
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(usage.Details.InputTokenCount + usage.Details.OutputTokenCount, usage.Details.TotalTokenCount);
        Assert.Equal(r.Usage.InputTokenCount, usage.Details.InputTokenCount);
    }

    [Fact]
    public async Task MultiModal_DescribeImage_ReachesTheModelAsPixels()
    {
        var (client, backend) = Make("A .NET logo.<|endoftext|>");
        byte[] png = GroundingTestImage();
        var r = await client.GetResponseAsync([new(ChatRole.User, [new TextContent("What does this logo say?"), new DataContent(png, "image/png")])], NoThinking);
        Assert.Contains("NET", r.Text);
        Assert.True(backend.Requests[0].ImageRows > 0);
    }

    [Description("Computes the secret number of two integers")]
    static int SecretComputation(int a, int b) => a * b - 0 + 0 * 0 + (a + b) * 0 + 0 + a * b / a * a / a * 0 + 3528 - a * b;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FunctionInvocation_WithParameters(bool streaming)
    {
        var (inner, backend) = Make(
            "<tool_call>SecretComputation\n<arg_key>a</arg_key>\n<arg_value>42</arg_value>\n<arg_key>b</arg_key>\n<arg_value>84</arg_value>\n</tool_call><|observation|>",
            "The secret number is 3528.<|endoftext|>");
        using var client = inner.AsBuilder().UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(SecretComputation, "SecretComputation")], Reasoning = NoThinking.Reasoning };
        string text;
        if (streaming)
        {
            var updates = new List<ChatResponseUpdate>();
            await foreach (var u in client.GetStreamingResponseAsync("What is the secret number of 42 and 84?", options)) updates.Add(u);
            text = updates.ToChatResponse().Text;
        }
        else text = (await client.GetResponseAsync("What is the secret number of 42 and 84?", options)).Text;
        Assert.Contains("3528", text);
        Assert.Contains("<tool_response>\n3528\n</tool_response>", Prompt(backend, 1));
    }

    [Fact]
    public async Task FunctionInvocation_NestedObjectAndArrayParameters_AreTypedFromTheSchema()
    {
        object? seen = null;
        var fn = AIFunctionFactory.Create((Person person, int[] scores) => { seen = (person.Name, person.Age, scores.Sum()); return "ok"; }, "Record");
        var (inner, _) = Make(
            "<tool_call>Record\n<arg_key>person</arg_key>\n<arg_value>{\"Name\": \"Ada\", \"Age\": 36}</arg_value>\n<arg_key>scores</arg_key>\n<arg_value>[1, 2, 3]</arg_value>\n</tool_call><|observation|>",
            "Done.<|endoftext|>");
        using var client = inner.AsBuilder().UseFunctionInvocation().Build();
        await client.GetResponseAsync("record Ada", new ChatOptions { Tools = [fn], Reasoning = NoThinking.Reasoning });
        Assert.Equal(("Ada", 36, 6), seen);
    }

    [Fact]
    public async Task ToolMode_RequireAny_And_RequireSpecific_StartTheAnswerWithTheCall()
    {
        var weather = AIFunctionFactory.Create((string city) => "sunny", "get_weather");
        var time = AIFunctionFactory.Create(() => "noon", "get_time");
        var (client, backend) = Make("get_time\n</tool_call><|observation|>", "<arg_key>city</arg_key>\n<arg_value>Oslo</arg_value>\n</tool_call><|observation|>");
        var any = await client.GetResponseAsync("?", new ChatOptions { Tools = [weather, time], ToolMode = ChatToolMode.RequireAny });
        Assert.EndsWith("<tool_call>", Prompt(backend, 0));
        Assert.Equal("get_time", Assert.Single(any.Messages[0].Contents.OfType<FunctionCallContent>()).Name);
        var specific = await client.GetResponseAsync("?", new ChatOptions { Tools = [weather, time], ToolMode = ChatToolMode.RequireSpecific("get_weather") });
        Assert.EndsWith("<tool_call>get_weather\n", Prompt(backend, 1));
        var call = Assert.Single(specific.Messages[0].Contents.OfType<FunctionCallContent>());
        Assert.Equal(("get_weather", "Oslo"), (call.Name, call.Arguments!["city"]?.ToString()));
        Assert.Equal(ChatFinishReason.ToolCalls, specific.FinishReason);
    }

    [Fact]
    public async Task ToolMode_None_HidesTheTools()
    {
        var (client, backend) = Make("Plain.<|endoftext|>");
        await client.GetResponseAsync("?", new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "f")], ToolMode = ChatToolMode.None, Reasoning = NoThinking.Reasoning });
        Assert.DoesNotContain("# Tools", Prompt(backend, 0));
    }

    public sealed record Person(string Name, int Age);

    [Fact]
    public async Task StructuredOutput_Object()
    {
        var (client, backend) = Make("{\"Name\": \"Ada Lovelace\", \"Age\": 36}<|endoftext|>");
        var r = await client.GetResponseAsync<Person>("Who wrote the first program?", NoThinking);
        Assert.Equal(new Person("Ada Lovelace", 36), r.Result);
        Assert.Contains("Respond with a JSON value conforming to the following schema", Prompt(backend, 0));
    }

    [Fact]
    public async Task Caching_SecondIdenticalRequestIsServedFromTheCache()
    {
        var (inner, backend) = Make("Cached answer.<|endoftext|>", "Cached answer.<|endoftext|>");
        using var client = inner.AsBuilder().UseDistributedCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()))).Build();
        var a = await client.GetResponseAsync("same question", NoThinking);
        var b = await client.GetResponseAsync("same question", NoThinking);
        Assert.Equal(a.Text, b.Text);
        Assert.Single(backend.Requests);
        // Streaming responses are cached under their own key: the first goes to the model, the second does not.
        for (int i = 0; i < 2; i++)
        {
            var streamed = new List<ChatResponseUpdate>();
            await foreach (var u in client.GetStreamingResponseAsync("same question", NoThinking)) streamed.Add(u);
            Assert.Equal(a.Text, streamed.ToChatResponse().Text);
        }
        Assert.Equal(2, backend.Requests.Count);
    }

    [Fact]
    public async Task Logging_RecordsTheCalls()
    {
        var (inner, _) = Make("Logged.<|endoftext|>");
        var sink = new LogRecords();
        using var factory = LoggerFactory.Create(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));
        using var client = inner.AsBuilder().UseLogging(factory).Build();
        await client.GetResponseAsync("log me", NoThinking);
        Assert.Contains(sink.Snapshot(), r => r.Message.Contains(nameof(IChatClient.GetResponseAsync), StringComparison.Ordinal));
    }

    static byte[] GroundingTestImage()
    {
        using var bmp = new SkiaSharp.SKBitmap(64, 48);
        using (var canvas = new SkiaSharp.SKCanvas(bmp)) canvas.Clear(SkiaSharp.SKColors.MediumPurple);
        using var img = SkiaSharp.SKImage.FromBitmap(bmp);
        return img.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).ToArray();
    }
}
