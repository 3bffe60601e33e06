using System.CommandLine;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Glm4vSK.Cli.Hosting;

/// <summary>What <c>--model</c> and its companions asked for.</summary>
internal sealed record ModelSettings
{
    public required string Model { get; init; }
    public string Device { get; init; } = "cpu";
    public ScalarType? DType { get; init; }
    public bool DemoTokenizer { get; init; }
    public bool Download { get; init; }
}

/// <summary>The options that pick and load a checkpoint, shared by chat, ground and the agents.</summary>
internal sealed partial class ModelOptions
{
    public ModelOptions(bool required)
    {
        Model = new Option<string?>("--model", "-m")
        {
            Description = "the checkpoint: a model directory, or a Hugging Face id (org/name) in the local cache",
            HelpName = "dir | hub id",
            Required = required,
        };
        Device = new Option<string>("--device")
        {
            Description = "cpu, cuda or cuda:N (cuda needs the TorchSharp-cuda build)",
            DefaultValueFactory = _ => "cpu",
        };
        Device.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !DevicePattern().IsMatch(r.Tokens[^1].Value))
                r.AddError($"--device: '{r.Tokens[^1].Value}' is not a device; use cpu, cuda or cuda:N.");
        });
        DType = new Option<ScalarType?>("--dtype")
        {
            Description = "compute dtype: float32, bfloat16 or float16 (default: the checkpoint's, nothing converted)",
            HelpName = "float32|bfloat16|float16",
            CustomParser = r =>
            {
                string value = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                switch (value)
                {
                    case "float32" or "fp32": return ScalarType.Float32;
                    case "bfloat16" or "bf16": return ScalarType.BFloat16;
                    case "float16" or "fp16": return ScalarType.Float16;
                    default:
                        r.AddError($"--dtype: '{value}' is not a dtype; use float32, bfloat16 or float16.");
                        return null;
                }
            },
        };
        DemoTokenizer = new Option<bool>("--demo-tokenizer")
        {
            Description = "add the small test tokenizer to a checkpoint that ships none (the tiny random reference models)",
        };
        Download = new Option<bool>("--download")
        {
            Description = "download a hub id missing from the local cache first (as `glm4v download` does)",
        };
    }

    public Option<string?> Model { get; }
    public Option<string> Device { get; }
    public Option<ScalarType?> DType { get; }
    public Option<bool> DemoTokenizer { get; }
    public Option<bool> Download { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Device);
        command.Options.Add(DType);
        command.Options.Add(DemoTokenizer);
        command.Options.Add(Download);
    }

    /// <summary>The settings, or null when <c>--model</c> was not given (only where it is optional).</summary>
    public ModelSettings? Read(ParseResult parse) => parse.GetValue(Model) is { } model
        ? new ModelSettings
        {
            Model = model,
            Device = parse.GetValue(Device) ?? "cpu",
            DType = parse.GetValue(DType),
            DemoTokenizer = parse.GetValue(DemoTokenizer),
            Download = parse.GetValue(Download),
        }
        : null;

    [GeneratedRegex("^(cpu|cuda(:[0-9]+)?)$")]
    private static partial Regex DevicePattern();
}
