#pragma warning disable SKEXP0001, SKEXP0110 // SK's BinaryContent / ReasoningContent are marked experimental

using Glm4vSK.LocalEngine;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using MEAI = Microsoft.Extensions.AI;
using SK = Microsoft.SemanticKernel;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// The Semantic Kernel wiring on the scripted backend: what a <c>ChatCompletionAgent</c> does (an
/// <see cref="IChatCompletionService"/> from the kernel, a <see cref="ChatHistory"/>, <c>FunctionChoiceBehavior.Auto()</c>)
/// with a plugin function that returns an image, and the reasoning kept visible.
/// </summary>
public sealed class SemanticKernelTests(TinyModel model) : IClassFixture<TinyModel>
{
    static readonly byte[] Png = Images.Png();

    const string CallSnapshot = "<think>I should look.</think>\n<tool_call>Camera_snapshot\n</tool_call><|observation|>";
    const string Answer = "<think>A gradient.</think>\nIt shows a gradient.<|endoftext|>";

    /// <summary>Kernel functions returning an image in each form SK users write.</summary>
    static Delegate Snapshot(string kind) => kind switch
    {
        "DataContent" => () => new DataContent(Png, "image/png"),
        "ImageContent" => () => new SK.ImageContent(Png, "image/png"),
        "ImageContent without media type" => () => new SK.ImageContent(Png, null),
        "ImageContent data URI" => () => new SK.ImageContent("data:image/png;base64," + Convert.ToBase64String(Png)),
        "AIContent list" => () => (IEnumerable<AIContent>)[new MEAI.TextContent("Room camera:"), new DataContent(Png, "image/png")],
        "KernelContent list" => () => new List<KernelContent> { new SK.TextContent("Room camera:"), new SK.ImageContent(Png, "image/png") },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    static readonly string[] AllKinds = ["DataContent", "ImageContent", "ImageContent without media type", "ImageContent data URI", "AIContent list", "KernelContent list"];
    public static TheoryData<string> Kinds => [.. AllKinds];

    static Kernel KernelWith(ScriptedBackend backend, string kind, string? serviceId = null)
    {
        var builder = Kernel.CreateBuilder().AddGlm4vChatClient(new Glm4vChatClient(backend), serviceId);
        builder.Plugins.AddFromFunctions("Camera", [KernelFunctionFactory.CreateFromMethod(Snapshot(kind), "snapshot", "Takes a picture of the room")]);
        return builder.Build();
    }

    static PromptExecutionSettings Auto => new() { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Agent_style_auto_function_calling_shows_the_model_the_image_a_kernel_function_returns(string kind)
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), CallSnapshot, Answer, "Still a gradient.<|endoftext|>");
        var kernel = KernelWith(backend, kind);
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory("You are a helpful assistant.");
        history.AddUserMessage("What do you see?");

        var reply = Assert.Single(await chat.GetChatMessageContentsAsync(history, Auto, kernel));
        Assert.Equal("It shows a gradient.", reply.Content?.Trim());
        Assert.Equal(2, backend.Requests.Count);
        Assert.Equal(0, backend.Requests[0].ImageRows);
        Assert.Contains("Camera_snapshot", backend.Processor.Tokenizer.Decode(backend.Requests[0].Ids.Select(i => (int)i)));
        PromptAssert.ImageInObservation(backend, 1);
        if (kind.Contains("list")) Assert.Contains("Room camera:", backend.Processor.Tokenizer.Decode(backend.Requests[1].Ids.Select(i => (int)i)));

        // SK's history got the tool-call turn and the result; reasoning is visible on both assistant messages
        Assert.Equal([AuthorRole.System, AuthorRole.User, AuthorRole.Assistant, AuthorRole.Tool], history.Select(m => m.Role));
        Assert.Single(history[2].Items.OfType<SK.FunctionCallContent>());
        Assert.Equal("I should look.", history[2].GetReasoning());
        Assert.Single(history[3].Items.OfType<SK.FunctionResultContent>());
        Assert.Equal("A gradient.", reply.GetReasoning());
        Assert.Equal("A gradient.", Assert.Single(reply.Items.OfType<ReasoningContent>()).Text);
        Assert.Equal("A gradient.", reply.Metadata![ReasoningMetadataChatClient.MetadataKey]);

        // the next turn (the agent appends its reply) still shows the model the tool's image from the history
        history.Add(reply);
        history.AddUserMessage("And now?");
        reply = Assert.Single(await chat.GetChatMessageContentsAsync(history, Auto, kernel));
        Assert.Equal("Still a gradient.", reply.Content?.Trim());
        PromptAssert.ImageInObservation(backend, 2);
    }

    [Fact]
    public async Task Streaming_auto_function_calling_shows_the_image_and_streams_reasoning()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), CallSnapshot, Answer);
        var kernel = KernelWith(backend, "ImageContent");
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("What do you see?");

        var updates = new List<StreamingChatMessageContent>();
        await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history, Auto, kernel)) updates.Add(update);
        Assert.Equal("It shows a gradient.", string.Concat(updates.Select(u => u.Content)).Trim());
        Assert.Equal("I should look.A gradient.", string.Concat(updates.Select(u => u.GetReasoning())));
        Assert.Contains(updates, u => u.Items.OfType<StreamingReasoningContent>().Any());
        PromptAssert.ImageInObservation(backend, 1);
    }

    /// <summary>An SK ImageContent without a media type serializes to a bare <c>{"data": …}</c>, too vague to take for an image.</summary>
    public static TheoryData<string> SerializedKinds => [.. AllKinds.Where(k => k != "ImageContent without media type")];

    [Theory]
    [MemberData(nameof(SerializedKinds))]
    public async Task Kernel_functions_as_plain_AIFunctions_serialize_the_image_and_the_client_still_sees_it(string kind)
    {
        // Without SK's own invocation layer, a KernelFunction JSON-serializes its result (KernelFunction.InvokeCoreAsync).
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), CallSnapshot, Answer);
        var kernel = KernelWith(backend, kind);
        using var client = new ChatClientBuilder(new Glm4vChatClient(backend)).UseFunctionInvocation().Build();
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What do you see?")],
            new ChatOptions { Tools = [.. kernel.Plugins["Camera"].AsAIFunctions(kernel)] });
        Assert.Equal("It shows a gradient.", response.Text.Trim());
        var result = response.Messages.SelectMany(m => m.Contents).OfType<MEAI.FunctionResultContent>().Single();
        Assert.IsType<System.Text.Json.JsonElement>(result.Result);
        PromptAssert.ImageInObservation(backend, 1);
    }

    [Theory]
    [MemberData(nameof(SerializedKinds))]
    public async Task Kernel_functions_as_tools_of_an_Agent_Framework_agent_show_the_model_the_image(string kind)
    {
        // The Semantic Kernel sample's path: the kernel's IChatClient under a ChatClientAgent, the kernel's plugin as
        // AIFunctions bound to the kernel (SK's auto-function filters do not run there: they need SK's own chat options).
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), CallSnapshot, Answer);
        var kernel = KernelWith(backend, kind);
        var agent = kernel.GetRequiredService<IChatClient>().AsAIAgent("You are a helpful assistant.", tools: [.. kernel.Plugins["Camera"].AsAIFunctions(kernel)]);

        var response = await agent.RunAsync("What do you see?", await agent.CreateSessionAsync());

        Assert.Equal("It shows a gradient.", response.Text.Trim());
        Assert.Contains(response.Messages.SelectMany(m => m.Contents), c => c is MEAI.FunctionCallContent { Name: "Camera_snapshot" });
        Assert.Equal(0, backend.Requests[0].ImageRows);
        PromptAssert.ImageInObservation(backend, 1);
        if (kind.Contains("list")) Assert.Contains("Room camera:", PromptAssert.Text(backend, 1));
    }

    [Fact]
    public async Task Service_id_registers_a_keyed_client_and_chat_completion_service_that_prompt_functions_use()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), "<think>Greeting.</think>\nHello!<|endoftext|>");
        var kernel = KernelWith(backend, "DataContent", serviceId: "glm");
        var chat = kernel.GetRequiredService<IChatCompletionService>("glm");
        Assert.Equal(Path.GetFileName(backend.ModelDirectory), chat.GetModelId());
        var client = kernel.GetRequiredService<IChatClient>("glm");
        Assert.NotNull(client.GetService<ReasoningMetadataChatClient>());
        Assert.NotNull(client.GetService<Glm4vChatClient>());

        var result = await kernel.InvokePromptAsync("Say hello.");
        Assert.Equal("Hello!", result.ToString().Trim());
    }

    [Fact]
    public void Configuration_registration_binds_the_section_and_names_missing_keys()
    {
        IConfiguration Config(params (string, string?)[] pairs) =>
            new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Item1, p.Item2))).Build();
        var e = Assert.Throws<InvalidOperationException>(() => Kernel.CreateBuilder().AddGlm4vChatClient(Config(("Ai:Glm4v:Device", "cpu")).GetSection("Ai:Glm4v")));
        Assert.Contains("'Ai:Glm4v:ModelPath' is not set", e.Message);

        var kernel = Kernel.CreateBuilder()
            .AddGlm4vChatClient(Config(("Glm4v:ModelPath", model.Dir), ("Glm4v:ModelId", "from-config")).GetSection("Glm4v"), serviceId: "cfg").Build();
        Assert.Equal("from-config", kernel.GetRequiredService<IChatCompletionService>("cfg").GetModelId());
    }

    [Fact]
    public async Task A_model_path_registration_loads_lazily_and_runs_on_a_real_engine()
    {
        var kernel = Kernel.CreateBuilder().AddGlm4vChatClient(model.Dir, s => { s.MaxOutputTokens = 2; s.ModelId = "tiny"; }, serviceId: "tiny").Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>("tiny");
        Assert.Equal("tiny", chat.GetModelId());
        var client = kernel.GetRequiredService<IChatClient>("tiny");
        var backend = Assert.IsType<LazyEngineBackend>(client.GetService<IGenerationBackend>());
        Assert.False(backend.Holder.IsLoaded);

        var history = new ChatHistory();
        history.AddUserMessage([new SK.TextContent("What is this?"), new SK.ImageContent(Png, "image/png")]);
        var reply = Assert.Single(await chat.GetChatMessageContentsAsync(history));
        Assert.True(backend.Holder.IsLoaded);
        Assert.NotNull(reply.Metadata?["Usage"]);

        var engine = client.GetService<Glm4vEngine>()!;
        ((IDisposable)kernel.Services).Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            await foreach (var _ in engine.GenerateAsync([new ChatMessage(ChatRole.User, "hi")])) { }
        });
    }
}
