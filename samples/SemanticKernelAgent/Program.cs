using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.Samples.SemanticKernelAgent;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using SK = Microsoft.SemanticKernel;

// glm4v-sk-agent: a Semantic Kernel agent on a local GLM-4.5V/4.6V model. Its plugin draws a chart (or crops the
// user's photo); SK's auto function calling hands the picture back to the model, which looks at it and answers.
var opts = AgentArgs.Parse(args);
if (opts is null)
{
    Console.Error.WriteLine("""
        usage: glm4v-sk-agent --model <dir | hub id> [--image <file>] [--device cpu|cuda[:N]] [--dtype float32|bfloat16|float16]
                              [--max-new-tokens N] [--no-thinking] [--save-images <dir>] [--chat] [question]
        Needs a GLM-4.5V/4.6V-family checkpoint (tool calling), e.g. zai-org/GLM-4.6V-Flash, with its tokenizer.json.
        Without --image the agent draws a bar chart and reads it; with --image it may crop the photo to look closer.
        --chat keeps the conversation going (an empty line quits). --save-images writes the pictures the tools made.
        """);
    return 2;
}

string modelDir;
try
{
    modelDir = ModelLocator.Resolve(opts.Model);
}
catch (Glm4vException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
if (!File.Exists(Path.Combine(modelDir, "tokenizer.json")))
{
    Console.Error.WriteLine($"error: '{modelDir}' has no tokenizer.json. This sample needs a complete checkpoint of the GLM-4.5V/4.6V family " +
                            "(weights, config.json, tokenizer.json, chat_template.jinja), e.g. zai-org/GLM-4.6V-Flash.");
    return 1;
}

byte[]? photo = opts.Image is null ? null : File.ReadAllBytes(opts.Image);
var tools = KernelPluginFactory.CreateFromObject(new VisualTools(photo, opts.SaveImages), "Visual");
var builder = Kernel.CreateBuilder().AddGlm4vChatClient(modelDir, s =>
{
    s.Device = opts.Device;
    s.DType = opts.DType;
    s.MaxOutputTokens = opts.MaxNewTokens;
    s.EnableThinking = opts.NoThinking ? false : null;
});
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
    string question = opts.Question ?? (photo is null
        ? "Our quarterly revenue was Q1 12, Q2 18, Q3 9 and Q4 21 (million EUR). Draw a bar chart of it, look at the chart and tell me which quarter stands out and why."
        : "What is in this photo? Crop the most interesting region, look at it, and describe its details.");
    var first = new SK.ChatMessageContent(SK.ChatCompletion.AuthorRole.User, [new SK.TextContent(question)]);
    if (photo is not null) first.Items.Add(new SK.ImageContent(photo, MediaType(opts.Image!)));
    Console.WriteLine($"> {question}");
    await agent.AskAsync(first, cts.Token);

    while (opts.Chat)
    {
        Console.Write("> ");
        string? line = Console.ReadLine();
        if (string.IsNullOrWhiteSpace(line)) break;
        await agent.AskAsync(new SK.ChatMessageContent(SK.ChatCompletion.AuthorRole.User, line), cts.Token);
    }
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

sealed record AgentArgs(string Model, string? Image, string Device, string? DType, int? MaxNewTokens, bool NoThinking, string? SaveImages, bool Chat, string? Question)
{
    public static AgentArgs? Parse(string[] args)
    {
        string? model = null, image = null, dtype = null, save = null, device = "cpu";
        int? maxNew = null;
        bool noThinking = false, chat = false;
        var words = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--model": model = Next(); break;
                    case "--image": image = Next(); break;
                    case "--device": device = Next(); break;
                    case "--dtype": dtype = Next(); break;
                    case "--max-new-tokens": maxNew = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--no-thinking": noThinking = true; break;
                    case "--save-images": save = Next(); break;
                    case "--chat": chat = true; break;
                    case "-h" or "--help": return null;
                    default:
                        if (args[i].StartsWith("--", StringComparison.Ordinal)) { Console.Error.WriteLine($"unknown option {args[i]}"); return null; }
                        words.Add(args[i]);
                        break;
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine(e.Message);
                return null;
            }
        }
        return model is null ? null : new AgentArgs(model, image, device, dtype, maxNew, noThinking, save, chat, words.Count > 0 ? string.Join(' ', words) : null);
    }
}
