using System.CommandLine;
using Glm4vSK.Cli.Hosting;

namespace Glm4vSK.Cli.Commands;

/// <summary>
/// <c>glm4v download</c>: fetches the files the engine needs into the Hugging Face cache (shared with Python's
/// huggingface_hub) and prints the snapshot directory as the last line of standard output.
/// </summary>
internal static class DownloadCommand
{
    public static Command Create(CliContext context)
    {
        var repo = new Argument<string>("repo-id") { Description = "the model's Hugging Face id, e.g. zai-org/GLM-4.6V-Flash" };
        repo.Validators.Add(r =>
        {
            string value = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!ModelSource.LooksLikeHubId(value))
                r.AddError($"repo-id: '{value}' is not a Hugging Face id; use org/name, e.g. zai-org/GLM-4.6V-Flash.");
        });
        var revision = new Option<string?>("--revision", "-r") { Description = "branch, tag or commit (default: main)", HelpName = "rev" };
        var command = new Command("download", """
            Download a model from the Hugging Face hub into the local cache; prints its snapshot directory last.
            Honours HF_HUB_CACHE / HF_HOME (cache), HF_ENDPOINT (mirror), HF_TOKEN (gated models) and HF_HUB_OFFLINE=1 (cache only).
            """);
        command.Arguments.Add(repo);
        command.Options.Add(revision);
        command.SetAction(async (parse, ct) =>
        {
            string dir = await CliProgress.DownloadAsync(context, parse.GetValue(repo)!, parse.GetValue(revision), ct);
            context.Output.WriteLine(dir);
            return ExitCodes.Success;
        });
        return command;
    }
}
