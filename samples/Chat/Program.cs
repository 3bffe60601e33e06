using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

// A multi-turn chat about an image through IChatClient: the history grows turn by turn, the thinking streams dimmed
// before the answer. Every option (sampling, dtype, device, video, downloads) is in the glm4v command line: `glm4v chat`.
//   dotnet run -c Release --project samples/Chat -- <model dir | hub id in the cache> [image]
if (args.Length is < 1 or > 2) { Console.Error.WriteLine("usage: glm4v-chat <model dir | hub id> [image]"); return 2; }

await using var engine = await Glm4vEngine.LoadAsync(args[0]);
using IChatClient client = new Glm4vChatClient(engine);
var history = new List<ChatMessage>();
var options = new ChatOptions { MaxOutputTokens = 1024 };
byte[]? image = args.Length == 2 ? File.ReadAllBytes(args[1]) : null;

Console.Error.WriteLine("Ask away (an empty line quits).");
while (Console.ReadLine() is { Length: > 0 } line)
{
    var message = new ChatMessage(ChatRole.User, line);
    if (image is not null && history.Count == 0) message.Contents.Insert(0, new DataContent(image, "image/png")); // the decoder sniffs the format
    history.Add(message);

    var updates = new List<ChatResponseUpdate>();
    await foreach (var update in client.GetStreamingResponseAsync(history, options))
    {
        updates.Add(update);
        foreach (var content in update.Contents)
        {
            if (content is TextReasoningContent thinking) Console.Write($"\u001b[2m{thinking.Text}\u001b[0m");
            else if (content is TextContent text) Console.Write(text.Text);
        }
    }
    Console.WriteLine();
    history.AddMessages(updates);
}
return 0;
