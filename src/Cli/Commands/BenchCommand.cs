using System.CommandLine;
using Glm4vSK.Benchmarks;
using Glm4vSK.Cli.Hosting;

namespace Glm4vSK.Cli.Commands;

/// <summary><c>glm4v bench</c>: the engine benchmark (benchmarks/Glm4vSK.Benchmarks); the Markdown report on stdout, progress on stderr.</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var quick = new Option<bool>("--quick") { Description = "few repetitions, shorter workloads (a smoke run, under a minute)" };
        var threads = CliOption.Number("--threads", "libtorch intra-op threads (default: libtorch's choice)", 1, 4096, "N");
        var waitQuiet = CliOption.Number("--wait-quiet", "first wait up to this many seconds for other processes to use under 15 % of a core", 0.0, double.MaxValue, "seconds");
        var skipTiny = new Option<bool>("--skip-tiny") { Description = "skip the tiny fixture model" };
        var skipMedium = new Option<bool>("--skip-medium") { Description = "skip the medium random model (≈ 0.17 B parameters, written to a temp folder)" };
        var skipMoe = new Option<bool>("--skip-moe") { Description = "skip the mixture-of-experts against dense comparison" };
        var turn2 = new Option<bool>("--turn2") { Description = "only the turn-2 time to first token of a two-turn chat about one 448² image, prefix and image caches on vs off" };
        var batch = new Option<bool>("--batch") { Description = "only continuous batching: aggregate decode tokens/s of 8 concurrent greedy streams against one alone, and one stream's per-token latency among 7 others (medium random model)" };
        var server = new Option<bool>("--server") { Description = "only the HTTP server against the in-process client on one engine: time to first token, decode tokens/s, and 8 concurrent HTTP streams against one (medium random model)" };
        var scale = new Option<bool>("--scale") { Description = "only the 9B-scale run: writes a random GLM-4.1V-9B-shaped BF16 checkpoint (20 GB at 40 layers; needs ~24 GB RAM), then load, RSS, TTFT, decode against the GEMV floor" };
        var scaleLayers = CliOption.Number("--scale-layers", "decoder layers of the scale run (default 40; fewer keep every matrix shape)", 1, 40, "N");
        var scaleTokens = CliOption.Number("--scale-tokens", "decode steps timed in the scale run (default 8)", 1, 1000, "N");
        var scaleDir = new Option<string?>("--scale-dir") { Description = "write the scale checkpoint here and keep it (reused when present)", HelpName = "dir" };
        var tinyModel = new Option<string?>("--tiny-model") { Description = "the checkpoint of the 'tiny' rows (default: the fixture set's models/glm4v-tiny)", HelpName = "dir" };
        var command = new Command("bench", "Benchmark the engine on CPU: prefill, decode, vision tower, decode step against its GEMV floor (Markdown on stdout).");
        foreach (var option in new Option[] { quick, threads, waitQuiet, skipTiny, skipMedium, skipMoe, turn2, batch, server, scale, scaleLayers, scaleTokens, scaleDir, tinyModel })
            command.Options.Add(option);
        command.SetAction((parse, ct) =>
        {
            var options = new BenchmarkOptions
            {
                Quick = parse.GetValue(quick),
                Threads = parse.GetValue(threads),
                WaitQuiet = TimeSpan.FromSeconds(parse.GetValue(waitQuiet) ?? 0),
                SkipTiny = parse.GetValue(skipTiny),
                SkipMedium = parse.GetValue(skipMedium),
                SkipMoe = parse.GetValue(skipMoe),
                Turn2 = parse.GetValue(turn2),
                Scale = parse.GetValue(scale),
                ScaleLayers = parse.GetValue(scaleLayers) ?? 40,
                ScaleDecodeTokens = parse.GetValue(scaleTokens) ?? 8,
                ScaleDir = parse.GetValue(scaleDir),
                Batch = parse.GetValue(batch),
                Server = parse.GetValue(server),
                TinyModel = parse.GetValue(tinyModel),
            };
            // The benchmark is synchronous and CPU-bound: run it off the caller's thread so Ctrl+C can be observed.
            return Task.Run(() =>
            {
                EngineBenchmark.Run(options, context.Output, context.Error, ct);
                return ExitCodes.Success;
            }, ct);
        });
        return command;
    }
}
