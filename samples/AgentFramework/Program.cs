using Glm4vSK.Cli.Hosting;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.Samples.AgentFramework;
using Glm4vSK.Samples.Shared;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

// glm4v-af-agent: a visual assistant on Microsoft Agent Framework (ChatClientAgent over the GLM-4V IChatClient). It
// takes a "screenshot" (the picture you pass) and zooms into it with tools, then answers a follow-up in the same session.
//   dotnet run -c Release --project samples/AgentFramework -- <model dir | hub id> <screen.png> ["question"] [--demo-tokenizer] [--max-new-tokens N]
// Tool calling needs a GLM-4.5V/4.6V-family checkpoint (e.g. zai-org/GLM-4.6V-Flash); with a GLM-4.1V one the picture
// is attached to the question instead. --demo-tokenizer runs the tiny tokenizer-less reference models of tests/fixtures.
var positional = new List<string>();
bool demoTokenizer = false;
int? maxNewTokens = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--demo-tokenizer") demoTokenizer = true;
    else if (args[i] == "--max-new-tokens" && i + 1 < args.Length && int.TryParse(args[++i], out int n) && n > 0) maxNewTokens = n;
    else positional.Add(args[i]);
}
if (positional.Count is < 2 or > 3)
{
    Console.Error.WriteLine("usage: glm4v-af-agent <model dir | hub id> <screen image> [\"question\"] [--demo-tokenizer] [--max-new-tokens N]");
    return 2;
}
string screenFile = positional[1];
byte[] screen = File.ReadAllBytes(screenFile);
string question = positional.Count > 2 ? positional[2] : "What is on my screen? Take a screenshot, zoom into anything small, and describe it.";

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
try
{
    string model = demoTokenizer ? DemoModel.WithTokenizer(positional[0]) : positional[0];
    Console.Error.WriteLine($"loading {positional[0]} ...");
    await using var engine = await Glm4vEngine.LoadAsync(model, cancellationToken: cts.Token);
    using IChatClient client = new Glm4vChatClient(engine);

    // Tools where the chat template has tool calling; otherwise the picture goes with the question.
    bool tools = client.GetService<Glm4vProcessor>()!.Template.Family == ChatTemplateFamily.Glm45v;
    if (!tools) Console.Error.WriteLine("note: this checkpoint's chat template has no tool calling; the screen is attached to the question instead.");
    AIAgent agent = client.AsAIAgent(new ChatClientAgentOptions
    {
        Name = "visual-assistant",
        ChatOptions = new ChatOptions
        {
            Instructions = "You are a careful visual assistant. Look at the user's screen before answering; zoom in when details are small.",
            Tools = tools ? new ScreenTools(screen, PngCrop.MediaType(screenFile)).AsTools() : null,
            MaxOutputTokens = maxNewTokens,
        },
    });

    // One session: the second question is answered with the first exchange (and the pictures the tools returned) in context.
    AgentSession session = await agent.CreateSessionAsync(cts.Token);
    var first = new ChatMessage(ChatRole.User, question);
    if (!tools) first.Contents.Insert(0, new DataContent(screen, PngCrop.MediaType(screenFile)));
    Console.WriteLine($"> {question}");
    await AgentConsole.AskAsync(agent, first, session, cts.Token);
    const string followUp = "Summarise what you saw in one sentence.";
    Console.WriteLine($"> {followUp}");
    await AgentConsole.AskAsync(agent, new ChatMessage(ChatRole.User, followUp), session, cts.Token);
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
catch (Exception e) when (e is Glm4vException or InvalidOperationException or NotSupportedException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
