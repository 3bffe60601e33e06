using System.Text;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Tests.Support;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// Hostile "videos": playlists and concat scripts that would make ffmpeg read other files, file names that would be
/// ffmpeg options, and non-regular files. Real containers still decode.
/// </summary>
public sealed class VideoContainerTests
{
    static readonly Lazy<string> ModelDir = new(() => RandomModels.Dir("video-containers", TinyCheckpoint.FixtureShapedConfig, ScalarType.Float32, 1, dir =>
    {
        TinyCheckpoint.WritePreprocessorConfig(dir);
        TinyTokenizer.Write(dir);
    }));

    static Glm4vProcessor Processor(MediaAccessPolicy? policy = null) =>
        Glm4vProcessor.Load(ModelDir.Value, Glm4vConfig.Load(ModelDir.Value), new ProcessorOptions { MediaAccess = policy ?? MediaAccessPolicy.InlineOnly });

    static ChatMessage[] Ask(AIContent video) => [new ChatMessage(ChatRole.User, [new TextContent("what happens?"), video])];

    /// <summary>A 2 s, 5 fps clip (10 frames): sampled at 2 fps it gives 4 frames, 2 temporal patches.</summary>
    static string Clip(string extension = ".mp4", string codec = "libx264") => SyntheticVideo.Make(2, 5, 84, 56, extension, codec);

    static byte[] Playlist(string target) => Encoding.ASCII.GetBytes(
        $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n{target}\n#EXT-X-ENDLIST\n");

    static async Task AssertRefusedAsync(Glm4vProcessor processor, AIContent video)
    {
        var e = await Assert.ThrowsAnyAsync<Glm4vException>(async () => { using var p = await processor.PrepareAsync(Ask(video)); });
        Assert.True(e is InvalidMediaException or MediaAccessDeniedException, e.GetType().Name);
        if (e is InvalidMediaException m) Assert.Equal((0, 1), (m.MessageIndex, m.PartIndex));
    }

    [Fact]
    public async Task An_inline_hls_playlist_naming_a_local_file_is_refused()
    {
        await AssertRefusedAsync(Processor(), new DataContent(Playlist(Clip()), "video/mp4"));
        // Also through the decoder directly.
        string list = Path.Combine(RandomModels.NewTempDir("hls"), "list.m3u8");
        await File.WriteAllBytesAsync(list, Playlist(Clip()));
        await Assert.ThrowsAsync<InvalidMediaException>(() => VideoDecoder.ProbeAsync(list));
    }

    [Fact]
    public async Task An_inline_ffconcat_script_naming_a_file_in_the_temp_folder_is_refused()
    {
        string name = "glm4vsk-concat-target-" + Guid.NewGuid().ToString("N") + ".mp4";
        string target = Path.Combine(Path.GetTempPath(), name);
        File.Copy(Clip(), target);
        try
        {
            await AssertRefusedAsync(Processor(), new DataContent(Encoding.ASCII.GetBytes($"ffconcat version 1.0\nfile {name}\n"), "video/mp4"));
        }
        finally { File.Delete(target); }
    }

    [Fact]
    public async Task A_playlist_inside_an_allowed_root_cannot_name_a_file_outside_it()
    {
        string baseDir = RandomModels.NewTempDir("hls-root");
        string root = Directory.CreateDirectory(Path.Combine(baseDir, "allowed")).FullName;
        string outside = Directory.CreateDirectory(Path.Combine(baseDir, "private")).FullName;
        string secret = Path.Combine(outside, "clip.mp4");
        File.Copy(Clip(), secret);
        string list = Path.Combine(root, "list.m3u8");
        await File.WriteAllBytesAsync(list, Playlist(secret));
        var policy = new MediaAccessPolicy { AllowedFileRoots = [root] };
        await AssertRefusedAsync(Processor(policy), new UriContent(new Uri(list), "video/mp4"));
        // Named like a real container, the playlist is refused all the same.
        string disguised = Path.Combine(root, "movie.mp4");
        await File.WriteAllBytesAsync(disguised, Playlist(secret));
        await AssertRefusedAsync(Processor(policy), new UriContent(new Uri(disguised), "video/mp4"));
    }

    [Theory]
    [InlineData(".mp4", "libx264")]
    [InlineData(".webm", "libvpx-vp9")]
    [InlineData(".mkv", "libx264")]
    [InlineData(".avi", "mpeg4")]
    public async Task Real_containers_decode_inline_and_from_an_allowed_root(string extension, string codec)
    {
        string clip = Clip(extension, codec);
        using (var inline = await Processor().PrepareAsync(Ask(new DataContent(await File.ReadAllBytesAsync(clip), "video/mp4"))))
            Assert.Equal(2, Assert.Single(inline.Inputs.VideoGrids).T);
        var policy = new MediaAccessPolicy { AllowedFileRoots = [Path.GetDirectoryName(clip)!] };
        using var file = await Processor(policy).PrepareAsync(Ask(new UriContent(new Uri(clip), "video/mp4")));
        Assert.Equal(2, Assert.Single(file.Inputs.VideoGrids).T);
    }

    [Theory]
    [InlineData("my \"holiday\".mp4")]
    [InlineData("with some spaces.mp4")]
    [InlineData("-leading-dash.mp4")]
    [InlineData("$(touch pwned).mp4")]
    [InlineData("v.mp4\" -select_streams \"a")]
    [InlineData("it's; `x` & y.mp4")]
    public async Task Odd_file_names_are_paths_never_options(string name)
    {
        string original = Clip();
        var expected = await VideoDecoder.ProbeAsync(original);
        var expectedFrames = await VideoDecoder.DecodeFramesAsync(original, expected, [0, 7]);

        string root = RandomModels.NewTempDir("names");
        string path = Path.Combine(root, name);
        File.Copy(original, path);
        File.Copy(SyntheticVideo.AudioOnly(), Path.Combine(root, "v.mp4"));   // what an injected option would read instead
        var m = await VideoDecoder.ProbeAsync(path);
        Assert.Equal(expected, m);
        var frames = await VideoDecoder.DecodeFramesAsync(path, m, [0, 7]);
        Assert.Equal(expectedFrames.Select(f => f.Rgb), frames.Select(f => f.Rgb));

        using var p = await Processor(new MediaAccessPolicy { AllowedFileRoots = [root] }).PrepareAsync(Ask(new UriContent(new Uri(path), "video/mp4")));
        Assert.Equal(2, Assert.Single(p.Inputs.VideoGrids).T);
        Assert.False(File.Exists(Path.Combine(root, "pwned")));
    }

    [Fact]
    public async Task A_fifo_is_refused_by_the_decoder_without_waiting_for_a_writer()
    {
        string fifo = MediaLoaderTests.MakeFifo(RandomModels.NewTempDir("fifo-video"), "clip.mp4");
        var probe = Task.Run(() => VideoDecoder.ProbeAsync(fifo));
        try
        {
            var e = await Assert.ThrowsAsync<InvalidMediaException>(() => probe.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("not a regular file", e.Message);
            await Assert.ThrowsAsync<InvalidMediaException>(() => Task.Run(() => VideoDecoder.DecodeFramesAsync(fifo, new VideoMetadata(1, 1, 1, 8, 8), [0])).WaitAsync(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            if (!probe.IsCompleted) _ = Task.Run(() => { using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write); });
        }
    }

    [Fact]
    public async Task Relative_uris_and_link_loops_are_typed_errors_naming_the_part()
    {
        string root = RandomModels.NewTempDir("relative");
        File.CreateSymbolicLink(Path.Combine(root, "a.mp4"), Path.Combine(root, "b.mp4"));
        File.CreateSymbolicLink(Path.Combine(root, "b.mp4"), Path.Combine(root, "a.mp4"));
        var processor = Processor(new MediaAccessPolicy { AllowedFileRoots = [root] });
        foreach (var part in new AIContent[]
                 {
                     new UriContent(new Uri("images/a.png", UriKind.Relative), "image/png"),
                     new UriContent(new Uri("clips/a.mp4", UriKind.Relative), "video/mp4"),
                     new UriContent(new Uri(Path.Combine(root, "a.mp4")), "video/mp4"),
                 })
        {
            var e = await Assert.ThrowsAsync<InvalidMediaException>(async () => { using var p = await processor.PrepareAsync(Ask(part)); });
            Assert.Equal((0, 1), (e.MessageIndex, e.PartIndex));
        }
    }
}
