using System.Runtime.CompilerServices;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Testing;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// A backend whose "model" answers from a script: each request takes the next text, which goes through the real
/// tokenizer (encoded, then streamed back token by token with the real UTF-8-safe detokenizer), so the client's
/// parsing runs on exactly what an engine would produce. It records the model inputs of every request.
/// </summary>
internal sealed class ScriptedBackend : IGenerationBackend
{
    readonly Queue<string> _script;
    readonly int[] _stopIds;

    public ScriptedBackend(string modelDir, params string[] script)
    {
        ModelDirectory = modelDir;
        var config = Glm4vConfig.Load(modelDir);
        Processor = Glm4vProcessor.Load(modelDir, config);
        _stopIds = [.. config.EosTokenIds, Processor.Tokenizer.TokenId("<|observation|>")];
        _script = new Queue<string>(script);
    }

    public Glm4vProcessor Processor { get; }
    public string ModelDirectory { get; }
    /// <summary>
    /// Whether each token is produced after a <see cref="Task.Yield"/> (as an engine would, asynchronously). Off, the
    /// whole request runs on the caller's thread: what a <see cref="ChildProcessProbe"/> needs, whose child process
    /// deadlocks when test code runs on another thread while the probe runs.
    /// </summary>
    public bool YieldBetweenTokens { get; init; } = true;
    /// <summary>Per request: the prompt ids and the number of image / video patch rows.</summary>
    public List<(long[] Ids, long ImageRows, long VideoRows)> Requests { get; } = [];
    /// <summary>Per request: the sampling options the client asked for.</summary>
    public List<SamplingOptions> Sampling { get; } = [];

    public async IAsyncEnumerable<GeneratedToken> GenerateAsync(ModelInputs inputs, SamplingOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ids = Enumerable.Range(0, inputs.Length).Select(j => inputs.InputIds[0, j]).ToArray();
        lock (Requests)
        {
            Requests.Add((ids, inputs.PixelValues?.shape[0] ?? 0, inputs.PixelValuesVideos?.shape[0] ?? 0));
            Sampling.Add(options);
        }
        string text;
        lock (_script) text = _script.Count > 0 ? _script.Dequeue() : throw new InvalidOperationException("script exhausted");
        var tokens = Processor.Tokenizer.Encode(text);
        int max = options.MaxNewTokens ?? int.MaxValue;
        var detok = new StreamingDetokenizer(Processor.Tokenizer);
        for (int i = 0; i < tokens.Count && i < max; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (YieldBetweenTokens) await Task.Yield();
            int id = tokens[i];
            bool stop = _stopIds.Contains(id);
            bool last = stop || i + 1 == tokens.Count || i + 1 == max;
            string delta = stop ? "" : detok.Append(id);
            if (last) delta += detok.Flush();
            yield return new GeneratedToken(0, id, i, stop, last ? (stop ? GenerationFinishReason.Stop : GenerationFinishReason.Length) : null) { TextDelta = delta };
            if (stop) yield break;
        }
    }

    /// <summary>A model directory for the processor only (config, tokenizer, preprocessor, and a GLM-4.5V-family template marker).</summary>
    public static string ModelDir(bool glm45v)
    {
        string dir = Path.Combine(Path.GetTempPath(), "glm4vsk-connector-tests", (glm45v ? "v45-" : "v41-") + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), TinyCheckpoint.FixtureShapedConfig().ToJsonString());
        TinyCheckpoint.WritePreprocessorConfig(dir);
        TinyTokenizer.Write(dir);
        if (glm45v)
            File.WriteAllText(Path.Combine(dir, "chat_template.jinja"),
                "[gMASK]<sop>{# GLM-4.5V family marker for detection: <arg_key> /nothink <tool_response> #}<|assistant|>");
        return dir;
    }
}
