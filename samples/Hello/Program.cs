using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

// Hello, GLM-4V: ask a local checkpoint about an image through Microsoft.Extensions.AI's IChatClient.
//   dotnet run -c Release --project samples/Hello -- <model dir> <image.png|jpg>
if (args.Length != 2) { Console.Error.WriteLine("usage: glm4v-hello <model dir> <image>"); return 2; }

await using var engine = await Glm4vEngine.LoadAsync(args[0]);
using IChatClient client = new Glm4vChatClient(engine);
string mediaType = Path.GetExtension(args[1]).ToLowerInvariant() is ".jpg" or ".jpeg" ? "image/jpeg" : "image/png";
var question = new ChatMessage(ChatRole.User, [new DataContent(File.ReadAllBytes(args[1]), mediaType), new TextContent("What is in this image?")]);

await foreach (var update in client.GetStreamingResponseAsync([question]))
    Console.Write(update.Text);
Console.WriteLine();
return 0;
