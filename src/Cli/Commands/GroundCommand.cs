using System.CommandLine;
using Glm4vSK.Cli.Hosting;
using Glm4vSK.Connector;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Cli.Commands;

/// <summary><c>glm4v ground</c>: asks where something is in an image and draws the answer's boxes and points on it.</summary>
internal static class GroundCommand
{
    public static Command Create(CliContext context)
    {
        var model = new ModelOptions(required: true);
        var generation = new GenerationOptions();
        var image = CliOption.ExistingFile("--image", "the image to search", "-i");
        image.Required = true;
        var output = new Option<string>("--output", "-o") { Description = "where to write the PNG with the boxes drawn", HelpName = "out.png", Required = true };
        var query = CliOption.Words("query", "what to find: a phrase (\"the red shoes\": asked for as boxes) or a question ending in ? or . (sent as written)", ArgumentArity.OneOrMore);
        var command = new Command("ground", "Find things in an image and draw the boxes and points of the answer on it.");
        model.AddTo(command);
        command.Options.Add(image);
        command.Options.Add(output);
        generation.AddTo(command);
        command.Arguments.Add(query);

        command.SetAction(async (parse, ct) =>
        {
            string imageFile = parse.GetValue(image)!;
            string outputFile = parse.GetValue(output)!;
            await using var engine = await ModelSource.LoadAsync(context, model.Read(parse)!, MediaFiles.Access([imageFile]), ct);
            ModelSource.RequireTokenizer(engine);
            using var client = new Glm4vChatClient(engine);
            List<ChatMessage> history = [new(ChatRole.User, [MediaFiles.Content(imageFile, "image"), new TextContent(Prompt(string.Join(' ', parse.GetValue(query)!)))])];
            var response = await ChatCommand.StreamAnswerAsync(context, client, history, generation.Read(parse), ct);
            var grounding = GroundingOutput.Draw(response, imageFile, outputFile);
            context.Error.WriteLine(grounding.IsEmpty
                ? $"the answer holds no boxes or points; {outputFile} is the image unchanged"
                : $"{grounding.Boxes.Count} box(es), {grounding.Points.Count} point(s) → {outputFile}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// A bare phrase ("the red shoes") becomes the grounding request GLM-4V answers with boxes ([[x1,y1,x2,y2]] in
    /// thousandths); a sentence (ending in '?' or '.') is sent as written.
    /// </summary>
    internal static string Prompt(string query)
    {
        string q = query.Trim();
        return q.EndsWith('?') || q.EndsWith('.') ? q : $"Locate {q} in the image and give the bounding box of each as [[x1,y1,x2,y2]].";
    }
}
