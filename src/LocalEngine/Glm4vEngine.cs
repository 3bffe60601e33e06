using System.Runtime.CompilerServices;
using Glm4vSK.LocalEngine.Caching;
using Glm4vSK.LocalEngine.Generation;
using Glm4vSK.LocalEngine.Model;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Scheduling;
using Glm4vSK.LocalEngine.Telemetry;
using Microsoft.Extensions.AI;
using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>
/// A loaded GLM-4V model on one device. Thread-safe: concurrent one-row requests are decoded together, one batched
/// forward per step (<see cref="EngineOptions.MaxBatchSize"/>); multi-row requests run alone, one at a time. Keeps the KV of earlier sequences and the vision features of earlier pictures for reuse
/// (<see cref="EngineOptions.PrefixCacheBytes"/>, <see cref="EngineOptions.ImageCacheBytes"/>). Dispose it to release
/// the weights, the caches and the memory mapping.
/// </summary>
public sealed class Glm4vEngine : IDisposable, IAsyncDisposable
{
    readonly Glm4vModel _model;
    readonly Checkpoint _checkpoint;
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly Lazy<Glm4vProcessor> _processor;
    readonly EngineCaches? _caches;
    readonly BatchScheduler? _scheduler;
    readonly EngineTelemetry _telemetry;
    volatile bool _disposed;

    Glm4vEngine(string dir, EngineOptions options, Glm4vConfig config, GenerationConfig generation, Checkpoint checkpoint, Glm4vModel model,
        EngineTelemetry telemetry, Devices.MemoryPlan? plan)
    {
        _telemetry = telemetry;
        MemoryPlan = plan;
        ModelDirectory = dir;
        Options = options;
        Config = config;
        GenerationConfig = generation;
        _checkpoint = checkpoint;
        _model = model;
        ContextTokens = plan?.ContextTokens ?? Math.Min(options.MaxContextTokens ?? config.Text.MaxPositionEmbeddings, config.Text.MaxPositionEmbeddings);
        _processor = new Lazy<Glm4vProcessor>(() => Glm4vProcessor.Load(dir, config, options.Processor, ContextTokens));
        _caches = EngineCaches.For(plan is null ? options : options with { PrefixCacheBytes = plan.PrefixCacheBytes, ImageCacheBytes = plan.ImageCacheBytes });
        if (options.MaxBatchSize > 1)
            _scheduler = new BatchScheduler(model, ContextTokens, _caches, _gate, options.MaxBatchSize, options.MaxPrefillTokensPerStep)
            {
                Telemetry = telemetry,
                KvBudget = plan is null ? null : (plan.KvCacheBytes, plan.KvBytesPerToken),
            };
        telemetry.Observe(_caches);
    }

    /// <summary>
    /// Tokenizer, chat template and image/video processing of this checkpoint (loaded on first use; needs
    /// <c>tokenizer.json</c> in the model directory).
    /// </summary>
    public Glm4vProcessor Processor => _processor.Value;

    /// <summary>Whether the model directory has what <see cref="Processor"/> needs.</summary>
    public bool HasProcessor => File.Exists(Path.Combine(ModelDirectory, "tokenizer.json"));

    public string ModelDirectory { get; }
    public EngineOptions Options { get; }
    public Glm4vConfig Config { get; }
    public GenerationConfig GenerationConfig { get; }
    /// <summary>Largest prompt + output length a request may use.</summary>
    public int ContextTokens { get; }
    public ScalarType DType => _model.DType;
    /// <summary>How the device's memory was divided (null: not planned, i.e. CPU without <see cref="EngineOptions.DeviceMemoryBytes"/>).</summary>
    public Devices.MemoryPlan? MemoryPlan { get; }
    public Device Device => _model.Device;
    internal Glm4vModel Model => _model;
    /// <summary>The prefix and image-embedding caches (null when both are off).</summary>
    internal EngineCaches? Caches => _caches;
    /// <summary>The continuous-batching loop (null when <see cref="EngineOptions.MaxBatchSize"/> is 1).</summary>
    internal BatchScheduler? Scheduler => _scheduler;

    /// <summary>
    /// Loads a model directory (or a hub id from the local Hugging Face cache; downloaded first with
    /// <see cref="EngineOptions.Download"/>) off the calling thread.
    /// </summary>
    public static Task<Glm4vEngine> LoadAsync(string modelDirOrHubId, EngineOptions? options = null,
        IProgress<ModelLoadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(async () =>
        {
            options ??= new EngineOptions();
            options.Validate();
            string dir = await ModelLocator.ResolveAsync(modelDirOrHubId, options.Download, options.HubOptions, progress: null, cancellationToken).ConfigureAwait(false);
            return LoadResolved(dir, TelemetryModelName(modelDirOrHubId, dir), options, progress);
        }, cancellationToken);

    /// <summary>Loads a model directory (or a hub id from the local Hugging Face cache; downloaded first with <see cref="EngineOptions.Download"/>).</summary>
    /// <exception cref="ArgumentException">An option is invalid (checked before anything is read or libtorch is called).</exception>
    public static Glm4vEngine Load(string modelDirOrHubId, EngineOptions? options = null, IProgress<ModelLoadProgress>? progress = null)
    {
        options ??= new EngineOptions();
        options.Validate();
        // Blocking on the download is this synchronous method's contract; the library's awaits never need the caller's context.
        string dir = ModelLocator.ResolveAsync(modelDirOrHubId, options.Download, options.HubOptions).GetAwaiter().GetResult();
        return LoadResolved(dir, TelemetryModelName(modelDirOrHubId, dir), options, progress);
    }

    /// <summary>The model's name in telemetry (<c>gen_ai.request.model</c>): a hub id as given, else the directory's name (not a cache snapshot's hash).</summary>
    static string TelemetryModelName(string modelDirOrHubId, string dir) =>
        Directory.Exists(modelDirOrHubId) ? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))) : modelDirOrHubId;

    static Glm4vEngine LoadResolved(string dir, string modelName, EngineOptions options, IProgress<ModelLoadProgress>? progress)
    {
        var telemetry = new EngineTelemetry(modelName, options);
        var span = telemetry.StartLoad(dir, options);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Checkpoint? checkpoint = null;
        try
        {
            var config = Glm4vConfig.Load(dir, out string textFieldPrefix);
            var generation = GenerationConfig.Load(dir);
            if (options.CpuThreads is int threads) torch.set_num_threads(threads);
            var device = ParseDevice(options.Device);
            checkpoint = Checkpoint.Open(dir);
            // Before any module exists: an absurd size in config.json must not allocate a model the weights cannot fill.
            ConfigCheckpointMatch.Check(config, checkpoint, textFieldPrefix);
            var dtype = options.DType ?? CheckpointDType(checkpoint);
            var plan = Devices.MemoryPlan.Make(config, dtype, device, options); // before the weights: fail fast when they cannot fit
            var model = Glm4vModel.Load(checkpoint, config, dtype, device, options.AllowUnexpectedWeights, progress);
            var engine = new Glm4vEngine(dir, options, config, generation, checkpoint, model, telemetry, plan);
            telemetry.Loaded(span, dir, device, dtype, System.Diagnostics.Stopwatch.GetElapsedTime(started), LoadWarnings(engine, checkpoint));
            return engine;
        }
        catch (Exception e)
        {
            telemetry.LoadFailed(span, dir, e);
            telemetry.Dispose();
            checkpoint?.Dispose();
            throw;
        }
    }

    /// <summary>What a user should know about a load that worked: what the engine cannot do, or does at a cost.</summary>
    static List<string> LoadWarnings(Glm4vEngine engine, Checkpoint checkpoint)
    {
        var warnings = new List<string>();
        var stored = checkpoint.Files.SelectMany(f => f.Entries).Select(e => e.ScalarType).Where(EngineOptions.IsComputeDType).Distinct().ToList();
        if (stored.Count == 1 && stored[0] != engine.DType)
            warnings.Add($"the weights are stored as {stored[0]} and converted to {engine.DType} (a copy in memory{(engine.Device.type == DeviceType.CPU ? ", not memory-mapped" : "")}); leave EngineOptions.DType null to keep them as stored.");
        if (!engine.HasProcessor)
            warnings.Add("the directory has no tokenizer.json: chat messages cannot be prepared, only token ids generated.");
        return warnings;
    }

    static ScalarType CheckpointDType(Checkpoint cp)
    {
        const string probe = "model.language_model.embed_tokens.weight";
        var t = cp.Contains(probe) ? cp.Entry(probe).ScalarType : cp.Files.SelectMany(f => f.Entries).Select(e => e.ScalarType).FirstOrDefault(ScalarType.Float32);
        return EngineOptions.IsComputeDType(t) ? t : ScalarType.Float32;
    }

    /// <summary>The device of a spec <see cref="EngineOptions.Validate"/> accepted ("cpu", "cuda" or "cuda:N").</summary>
    static Device ParseDevice(string spec)
    {
        if (spec.Equals("cpu", StringComparison.OrdinalIgnoreCase)) return CPU;
        if (!cuda.is_available())
            throw new Glm4vException($"Device '{spec}' was asked for, but CUDA is not available to TorchSharp. Build with -p:TorchBackend=cuda on a machine with an NVIDIA driver, or use \"cpu\".");
        // An index past the last GPU would be a native error on first use.
        int count = cuda.device_count();
        if (spec.Length > 5 && int.Parse(spec.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture) >= count)
            throw new Glm4vException($"Device '{spec}' was asked for, but only {count} CUDA device(s) are visible (cuda:0 to cuda:{count - 1}).");
        return new Device(spec.ToLowerInvariant());
    }

    /// <summary>
    /// Generates tokens for every row of <paramref name="inputs"/>, streaming them as they come. A one-row request
    /// joins the engine's running batch (with its own sampling and seed); a multi-row one runs alone. Cancelling, or
    /// leaving the loop early, stops the generation and frees its KV cache before the enumeration ends.
    /// </summary>
    public IAsyncEnumerable<GeneratedToken> GenerateAsync(ModelInputs inputs, SamplingOptions? options = null,
        CancellationToken cancellationToken = default) => GenerateAsync(inputs, options, onLogits: null, cancellationToken);

    /// <param name="onLogits">test hook: the fp32 logits each step's tokens were drawn from</param>
    internal async IAsyncEnumerable<GeneratedToken> GenerateAsync(ModelInputs inputs, SamplingOptions? options, Action<Tensor>? onLogits,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var request = _telemetry.StartRequest(inputs);
        IAsyncEnumerable<GeneratedToken> tokens;
        try
        {
            var resolved = (options ?? new SamplingOptions()).Resolve(GenerationConfig, Config);
            tokens = _scheduler is not null && inputs.BatchSize == 1
                ? Batched(inputs, resolved, onLogits, request, cancellationToken)
                : Alone(inputs, resolved, onLogits, request, cancellationToken);
        }
        catch (Exception e)
        {
            request.Fail(e);
            throw;
        }
        var detokenizers = HasProcessor
            ? Enumerable.Range(0, inputs.BatchSize).Select(_ => new StreamingDetokenizer(Processor.Tokenizer)).ToArray()
            : null;
        await foreach (var t in Observed(tokens, request).ConfigureAwait(false))
        {
            if (detokenizers is null) { yield return t; continue; }
            var d = detokenizers[t.Sequence];
            string text = t.IsStopToken ? "" : d.Append(t.TokenId);
            if (t.FinishReason is not null) text += d.Flush();
            yield return t with { TextDelta = text };
        }
    }

    /// <summary><paramref name="tokens"/>, reporting the exception that ends them to the request's telemetry.</summary>
    static async IAsyncEnumerable<GeneratedToken> Observed(IAsyncEnumerable<GeneratedToken> tokens, RequestTelemetry telemetry)
    {
        await using var e = tokens.GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync().ConfigureAwait(false)) yield break;
            }
            catch (Exception error)
            {
                telemetry.Fail(error);
                throw;
            }
            yield return e.Current;
        }
    }

    async IAsyncEnumerable<GeneratedToken> Batched(ModelInputs inputs, ResolvedSampling resolved, Action<Tensor>? onLogits, RequestTelemetry telemetry,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = _scheduler!.Submit(inputs, resolved, onLogits, telemetry);
        try
        {
            using var registration = cancellationToken.Register(request.Cancel);
            await foreach (var t in request.Tokens.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return t;
        }
        finally
        {
            // The caller may dispose the inputs once the enumeration ends: wait until the loop has let go of them.
            request.Cancel();
            await request.Released.ConfigureAwait(false);
        }
    }

    async IAsyncEnumerable<GeneratedToken> Alone(ModelInputs inputs, ResolvedSampling resolved, Action<Tensor>? onLogits, RequestTelemetry telemetry,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var generator = new TokenGenerator(_model, inputs, resolved, ContextTokens, _caches) { OnLogits = onLogits, Telemetry = telemetry };
            while (!generator.Done)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (generator.Prefilled) _telemetry.DecodeStep(inputs.BatchSize);
                var tokens = await Task.Run(generator.Step, cancellationToken).ConfigureAwait(false);
                foreach (var t in tokens) yield return t;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Renders and preprocesses <paramref name="messages"/>, then streams the answer (see <see cref="GeneratedToken.TextDelta"/>).</summary>
    public async IAsyncEnumerable<GeneratedToken> GenerateAsync(IEnumerable<ChatMessage> messages, PromptOptions? promptOptions = null,
        SamplingOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var prompt = await Processor.PrepareAsync(messages, promptOptions, cancellationToken).ConfigureAwait(false);
        await foreach (var t in GenerateAsync(prompt.Inputs, options, cancellationToken).ConfigureAwait(false))
            yield return t;
    }

    /// <summary>Generates to completion and returns each row's tokens (stop tokens excluded).</summary>
    public async Task<IReadOnlyList<int>[]> GenerateAllAsync(ModelInputs inputs, SamplingOptions? options = null, CancellationToken cancellationToken = default)
    {
        var rows = Enumerable.Range(0, inputs.BatchSize).Select(_ => new List<int>()).ToArray();
        await foreach (var t in GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false))
            if (!t.IsStopToken) rows[t.Sequence].Add(t.TokenId);
        return rows;
    }

    /// <summary>A generator driven by the caller (tests, benchmarks); it uses the engine's caches only when asked to.</summary>
    internal TokenGenerator CreateGenerator(ModelInputs inputs, SamplingOptions options, bool useCaches = false) =>
        new(_model, inputs, options.Resolve(GenerationConfig, Config), ContextTokens, useCaches ? _caches : null);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _gate.Wait();
        try
        {
            _scheduler?.Close(new ObjectDisposedException(nameof(Glm4vEngine)));
            _caches?.Dispose();
            _model.Dispose();
            _checkpoint.Dispose();
            _telemetry.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
