using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Glm4vSK.Cli.Hosting;
using Microsoft.Extensions.AI;

// A user's first program against the packages: load a checkpoint, ask about an image through the IChatClient, print
// what came back. run.sh checks the "generated:" line.
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: PackageConsumer <model dir> [image.png]   (a tokenizer-less tiny model gets the demo tokenizer)");
    return 2;
}
string modelDir = args[0];
if (!Directory.Exists(modelDir))
{
    Console.Error.WriteLine($"error: model directory '{modelDir}' does not exist");
    return 2;
}
if (!File.Exists(Path.Combine(modelDir, "tokenizer.json"))) modelDir = DemoModel.WithTokenizer(modelDir);

await using var engine = await Glm4vEngine.LoadAsync(modelDir, new EngineOptions { Device = "cpu", CpuThreads = 1 });
using IChatClient client = new Glm4vChatClient(engine);

var content = new List<AIContent>();
if (args.Length == 2) content.Add(new DataContent(File.ReadAllBytes(args[1]), "image/png"));
content.Add(new TextContent("What is in this image?"));
ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, content)],
    new ChatOptions { MaxOutputTokens = 8, Temperature = 0 });

// The tiny model's weights are random: its words may land in the reasoning or in the answer, so both are printed.
string reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
Console.WriteLine($"model: {engine.Config.ModelType}, {engine.Config.Text.NumHiddenLayers} layers");
Console.WriteLine($"tokens: {response.Usage?.OutputTokenCount} generated ({response.FinishReason})");
Console.WriteLine($"generated: {(reasoning + response.Text).ReplaceLineEndings(" ")}");
return 0;
