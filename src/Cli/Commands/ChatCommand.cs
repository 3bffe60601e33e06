using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Glm4vSK.Cli.Hosting;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Cli.Commands;

/// <summary>
/// <c>glm4v chat</c>: talks to a checkpoint about images and videos through the IChatClient, one prompt or
/// interactively; thinking is shown apart (dimmed on a terminal, on stderr when stdout is redirected).
/// </summary>
internal static class ChatCommand
{
    public static Command Create(CliContext context)
    {
        var model = new ModelOptions(required: true);
        var generation = new GenerationOptions();
        var images = CliOption.ExistingFiles("--image", "an image to ask about (repeat for several)", "-i");
        var video = CliOption.ExistingFile("--video", "a video to ask about (mp4, webm, …; needs ffmpeg)");
        var system = new Option<string?>("--system") { Description = "a system message", HelpName = "text" };
        var ground = new Option<string?>("--ground") { Description = "draw the boxes and points of each answer on the first image, into this PNG", HelpName = "out.png" };
        var replay = new Option<string?>("--case") { Description = "replay the reference case cases/NAME.safetensors (token ids and pixels) and print the token ids", HelpName = "name" };
        var prompt = CliOption.Words("prompt", "what to ask (words are joined); without one, chats interactively until an empty line", ArgumentArity.ZeroOrMore);
        var command = new Command("chat", "Chat with a GLM-4V checkpoint about images and videos.");
        model.AddTo(command);
        command.Options.Add(images);
        command.Options.Add(video);
        command.Options.Add(system);
        generation.AddTo(command);
        command.Options.Add(ground);
        command.Options.Add(replay);
        command.Arguments.Add(prompt);

        command.SetAction(async (parse, ct) =>
        {
            var settings = model.Read(parse)!;
            string[] imageFiles = parse.GetValue(images) ?? [];
            string? videoFile = parse.GetValue(video);
            string? groundFile = parse.GetValue(ground);
            if (groundFile is not null && imageFiles.Length == 0)
                throw new CliUsageException("--ground needs an --image to draw on.");
            string? text = parse.GetValue(prompt) is { Length: > 0 } words ? string.Join(' ', words) : null;
            var media = videoFile is null ? imageFiles : [.. imageFiles, videoFile];

            await using var engine = await ModelSource.LoadAsync(context, settings, MediaFiles.Access(media), ct);
            var chatOptions = generation.Read(parse);
            if (parse.GetValue(replay) is { } caseName)
                return await ReplayAsync(context, engine, caseName, chatOptions, ct);
            ModelSource.RequireTokenizer(engine);

            using var client = new Glm4vChatClient(engine);
            var history = new List<ChatMessage>();
            if (parse.GetValue(system) is { } sys) history.Add(new ChatMessage(ChatRole.System, sys));
            bool first = true;
            while (true)
            {
                string? turn = text;
                if (turn is null)
                {
                    if (context.InputIsTerminal) context.Error.Write("> ");
                    turn = await context.Input.ReadLineAsync(ct);
                    if (string.IsNullOrWhiteSpace(turn)) break;
                }
                var contents = new List<AIContent>();
                if (first)
                {
                    contents.AddRange(imageFiles.Select(f => MediaFiles.Content(f, "image")));
                    if (videoFile is not null) contents.Add(MediaFiles.Content(videoFile, "video"));
                }
                contents.Add(new TextContent(turn));
                history.Add(new ChatMessage(ChatRole.User, contents));
                first = false;

                var response = await StreamAnswerAsync(context, client, history, chatOptions, ct);
                history.AddMessages(response);
                if (groundFile is not null)
                {
                    var grounding = GroundingOutput.Draw(response, imageFiles[0], groundFile);
                    context.Error.WriteLine($"{grounding.Boxes.Count} box(es), {grounding.Points.Count} point(s) → {groundFile}");
                }
                if (text is not null) break;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Streams one answer: thinking apart from the answer, then a usage line on stderr.</summary>
    public static async Task<ChatResponse> StreamAnswerAsync(CliContext context, IChatClient client, IList<ChatMessage> history,
        ChatOptions options, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        var updates = new List<ChatResponseUpdate>();
        bool inReasoning = false;
        // On a terminal the thinking is dimmed in place; when stdout is redirected it goes to stderr, so the output holds the answer only.
        TextWriter thinking = context.OutputIsTerminal ? context.Output : context.Error;
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(history, options, cancellationToken))
            {
                updates.Add(update);
                foreach (var c in update.Contents)
                {
                    if (c is TextReasoningContent r)
                    {
                        if (!inReasoning && context.OutputIsTerminal) thinking.Write("\u001b[2m");
                        inReasoning = true;
                        thinking.Write(r.Text);
                    }
                    else if (c is TextContent t)
                    {
                        if (inReasoning) EndThinking(context, thinking);
                        inReasoning = false;
                        context.Output.Write(t.Text);
                    }
                }
            }
        }
        finally
        {
            if (inReasoning) EndThinking(context, thinking);
            context.Output.WriteLine();
        }
        var response = updates.ToChatResponse();
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"({response.Usage?.InputTokenCount} prompt tokens, {response.Usage?.OutputTokenCount} generated in {sw.ElapsedMilliseconds} ms, {response.FinishReason})"));
        return response;
    }

    static void EndThinking(CliContext context, TextWriter thinking)
    {
        if (context.OutputIsTerminal) thinking.Write("\u001b[0m");
        thinking.WriteLine();
    }

    /// <summary>Generates from a reference case's token ids and pixels (no tokenizer needed) and prints the new ids.</summary>
    static async Task<int> ReplayAsync(CliContext context, Glm4vEngine engine, string caseName, ChatOptions options, CancellationToken ct)
    {
        using var inputs = CaseInputs.Load(engine.ModelDirectory, caseName);
        var sampling = new SamplingOptions
        {
            MaxNewTokens = options.MaxOutputTokens, DoSample = options.Temperature > 0, Temperature = options.Temperature,
            TopP = options.TopP, TopK = options.TopK, Seed = options.Seed, IgnoreEos = true,
        };
        await foreach (var t in engine.GenerateAsync(inputs, sampling, ct))
            context.Output.Write(inputs.BatchSize > 1 ? $"[{t.Sequence}]{t.TokenId} " : $"{t.TokenId} ");
        context.Output.WriteLine();
        return ExitCodes.Success;
    }
}
