using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.Samples.SemanticKernelAgent;
using Glm4vSK.Samples.Shared;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

// glm4v-sk-agent: a Semantic Kernel plugin driven by a Microsoft Agent Framework agent on a local GLM-4.5V/4.6V model.
// The plugin draws a chart (or crops the user's photo); the agent hands the picture back to the model, which looks at
// it and answers. (Semantic Kernel's own ChatCompletionAgent, Microsoft.SemanticKernel.Agents.Core, is not on this
// project's package feed; Agent Framework's ChatClientAgent is its successor and takes the kernel's functions as they are.)
//   dotnet run -c Release --project samples/SemanticKernelAgent -- <model dir | hub id> [photo] ["question"]
// Needs a GLM-4.5V/4.6V-family checkpoint (tool calling), e.g. zai-org/GLM-4.6V-Flash, with its tokenizer.json.
// Without a photo the agent draws a bar chart and reads it; with one it may crop the photo to look closer.
if (args.Length is < 1 or > 3) { Console.Error.WriteLine("usage: glm4v-sk-agent <model dir | hub id> [photo] [\"question\"]"); return 2; }
string modelDir = ModelLocator.Resolve(args[0]);
string? photoFile = args.Length > 1 ? args[1] : null;
string? userQuestion = args.Length > 2 ? args[2] : null;
if (!File.Exists(Path.Combine(modelDir, "tokenizer.json")))
{
    Console.Error.WriteLine($"error: '{modelDir}' has no tokenizer.json; use a complete GLM-4.5V/4.6V checkpoint, e.g. zai-org/GLM-4.6V-Flash.");
    return 1;
}

byte[]? photo = photoFile is null ? null : File.ReadAllBytes(photoFile);
var tools = KernelPluginFactory.CreateFromObject(new VisualTools(photo, null), "Visual");
var builder = Kernel.CreateBuilder().AddGlm4vChatClient(modelDir);
builder.Plugins.AddFromFunctions("Visual", tools.Where(f => photo is not null || f.Name != "crop_image"));
var kernel = builder.Build();

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
try
{
    Console.Error.WriteLine($"loading {modelDir} ...");
    var processor = kernel.GetRequiredService<IChatClient>().GetService<Glm4vProcessor>()!; // loads the engine now rather than mid-answer
    if (processor.Template.Family != ChatTemplateFamily.Glm45v)
    {
        Console.Error.WriteLine($"error: this checkpoint uses the {processor.Template.Family} chat template, which has no tool calling; " +
                                "use a GLM-4.5V/4.6V-family model (e.g. zai-org/GLM-4.6V-Flash).");
        return 1;
    }

    // The kernel's chat client and its plugin's functions (each invoked through the kernel) under an agent.
    AIAgent agent = kernel.GetRequiredService<IChatClient>().AsAIAgent(
        instructions: """
            You are a careful visual analyst. When numbers are involved, draw them with render_bar_chart and base your answer
            on what you see in the chart. When a photo is given and details matter, use crop_image to look closer.
            """,
        name: "visual-analyst",
        tools: [.. kernel.Plugins["Visual"].AsAIFunctions(kernel)]);
    string question = userQuestion ?? (photo is null
        ? "Our quarterly revenue was Q1 12, Q2 18, Q3 9 and Q4 21 (million EUR). Draw a bar chart of it, look at the chart and tell me which quarter stands out and why."
        : "What is in this photo? Crop the most interesting region, look at it, and describe its details.");
    var first = new ChatMessage(ChatRole.User, question);
    if (photo is not null) first.Contents.Add(new DataContent(photo, PngCrop.MediaType(photoFile!)));
    Console.WriteLine($"> {question}");
    await AgentConsole.AskAsync(agent, first, await agent.CreateSessionAsync(cts.Token), cts.Token);

    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
catch (Exception e) when (e is Glm4vException or InvalidOperationException or NotSupportedException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
