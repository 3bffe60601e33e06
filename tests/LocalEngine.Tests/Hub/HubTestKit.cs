using System.Text.Json;
using Glm4vSK.LocalEngine.Hub;
using Glm4vSK.LocalEngine.Tests.Support;

namespace Glm4vSK.LocalEngine.Tests.Hub;

/// <summary>
/// What the download tests share: a stand-in hub serving model directories, a temporary cache, options that point at
/// both (never the real ~/.cache or huggingface.co), and checks of a snapshot against the files it came from.
/// </summary>
public sealed class HubTestKit : IAsyncDisposable
{
    /// <summary>The files the engine reads besides the weights (the download must fetch those a repository lists).</summary>
    public static readonly string[] EngineFiles =
    [
        "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "chat_template.jinja",
        "chat_template.json", "preprocessor_config.json", "video_preprocessor_config.json", "processor_config.json",
    ];

    /// <summary>Files a repository also has that the engine does not need: never downloaded.</summary>
    public static readonly Dictionary<string, byte[]> Extras = new(StringComparer.Ordinal)
    {
        ["README.md"] = "# a model card\n"u8.ToArray(),
        [".gitattributes"] = "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"u8.ToArray(),
        ["original/consolidated.bin"] = new byte[4096],
        ["onnx/model.onnx"] = new byte[1024],
    };

    readonly TempDir _tmp = new("glm4vsk-hub");

    public StandInHub Hub { get; } = new();
    public string Cache => _tmp.Sub("hub-cache", create: true);

    public HubOptions Options(string? token = null) => new()
    {
        Endpoint = Hub.Endpoint,
        CacheDirectory = Cache,
        Token = token ?? "", // "": no token, whatever HF_TOKEN or the token file of this machine say
        Offline = false,
    };

    /// <summary>The model directories to serve: every fixture model plus a sharded random one (index + shards, always).</summary>
    public static IEnumerable<string> ModelDirectories()
    {
        string models = Path.Combine(Testing.FixtureRoot.Require(), "models");
        foreach (var dir in Directory.GetDirectories(models).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(dir, "config.json"))) yield return dir;
        yield return TestModels.TinySharded;
    }

    /// <summary>Serves a model directory (plus <see cref="Extras"/>) as <paramref name="repoId"/>.</summary>
    public StandInHubRepo Serve(string repoId, string modelDir, string? requiredToken = null, params string[] tags)
    {
        var files = StandInHub.FilesOf(modelDir);
        foreach (var (k, v) in Extras) files[k] = v;
        return Hub.AddRepo(repoId, files, requiredToken, tags);
    }

    /// <summary>The files of <paramref name="modelDir"/> that a download must bring: engine files and the weights.</summary>
    public static List<string> ExpectedFiles(string modelDir)
    {
        var names = Directory.GetFiles(modelDir).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var expected = names.Where(EngineFiles.Contains).ToList();
        string index = Path.Combine(modelDir, "model.safetensors.index.json");
        if (File.Exists(index))
        {
            expected.Add("model.safetensors.index.json");
            using var doc = JsonDocument.Parse(File.ReadAllText(index));
            expected.AddRange(doc.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()!).Distinct());
        }
        else expected.Add("model.safetensors");
        return [.. expected.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every file under the snapshot, relative, '/'-separated (links included).</summary>
    public static List<string> FilesIn(string snapshot) =>
        [.. Directory.EnumerateFileSystemEntries(snapshot, "*", SearchOption.AllDirectories)
            .Where(p => !Directory.Exists(p) || new FileInfo(p).LinkTarget is not null)
            .Select(p => Path.GetRelativePath(snapshot, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>Asserts huggingface_hub's layout: each snapshot file a relative link to ../../blobs/{etag} holding the source's bytes.</summary>
    public static void AssertLayout(string cache, string repoId, string commit, string snapshot, string modelDir)
    {
        string repoDir = Path.Combine(cache, "models--" + repoId.Replace("/", "--"));
        Assert.Equal(Path.Combine(repoDir, "snapshots", commit), snapshot);
        Assert.Equal(ExpectedFiles(modelDir), FilesIn(snapshot));
        foreach (var file in FilesIn(snapshot))
        {
            byte[] source = File.ReadAllBytes(Path.Combine(modelDir, file));
            string link = Path.Combine(snapshot, file);
            string? target = new FileInfo(link).LinkTarget;
            Assert.NotNull(target);
            Assert.False(Path.IsPathRooted(target), $"{file} links to the absolute path {target}");
            string etag = StandInHub.EtagOf(file, source);
            Assert.Equal($"../../blobs/{etag}", target.Replace(Path.DirectorySeparatorChar, '/'));
            Assert.Equal(source, File.ReadAllBytes(link));
            Assert.True(File.Exists(Path.Combine(repoDir, "blobs", etag)));
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(repoDir, "blobs"), "*.incomplete"));
    }

    /// <summary>Every file under snapshots/ is complete: the same bytes as the source's file of that name.</summary>
    public static void AssertNoPartialSnapshotFile(string cache, string repoId, string modelDir)
    {
        string snapshots = Path.Combine(cache, "models--" + repoId.Replace("/", "--"), "snapshots");
        if (!Directory.Exists(snapshots)) return;
        foreach (var snap in Directory.GetDirectories(snapshots))
            foreach (var file in FilesIn(snap))
                Assert.Equal(File.ReadAllBytes(Path.Combine(modelDir, file)), File.ReadAllBytes(Path.Combine(snap, file)));
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        _tmp.Dispose();
    }
}

/// <summary>An IProgress that reports on the reporting thread (Progress&lt;T&gt; posts, so its last reports may come late).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
