using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.Samples.SemanticKernelAgent;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using SK = Microsoft.SemanticKernel;

// glm4v-sk-agent: a Semantic Kernel agent on a local GLM-4.5V/4.6V model. Its plugin draws a chart (or crops the
// user's photo); SK's auto function calling hands the picture back to the model, which looks at it and answers.
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
kernel.AutoFunctionInvocationFilters.Add(new ToolCallPrinter());

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

    var agent = new ImageToolAgent(kernel, """
        You are a careful visual analyst. When numbers are involved, draw them with render_bar_chart and base your answer
        on what you see in the chart. When a photo is given and details matter, use crop_image to look closer.
        """);
    string question = userQuestion ?? (photo is null
        ? "Our quarterly revenue was Q1 12, Q2 18, Q3 9 and Q4 21 (million EUR). Draw a bar chart of it, look at the chart and tell me which quarter stands out and why."
        : "What is in this photo? Crop the most interesting region, look at it, and describe its details.");
    var first = new SK.ChatMessageContent(SK.ChatCompletion.AuthorRole.User, [new SK.TextContent(question)]);
    if (photo is not null) first.Items.Add(new SK.ImageContent(photo, MediaType(photoFile!)));
    Console.WriteLine($"> {question}");
    await agent.AskAsync(first, cts.Token);

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

static string MediaType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
{
    ".jpg" or ".jpeg" => "image/jpeg",
    ".webp" => "image/webp",
    ".gif" => "image/gif",
    ".bmp" => "image/bmp",
    _ => "image/png",
};
