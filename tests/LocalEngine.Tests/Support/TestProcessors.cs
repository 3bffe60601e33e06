using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Testing;
using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Tests.Support;

/// <summary>Processors over the tiny test tokenizer and the class-default image settings (no weights needed).</summary>
public static class TestProcessors
{
    /// <summary>A dense tiny config (vocabulary 320, 4096 positions) whose media ids sit above the test tokenizer's markup.</summary>
    public static readonly Lazy<Glm4vConfig> Config = new(() => Glm4vConfig.Parse(TinyCheckpoint.Config().ToJsonString()));

    static readonly Lazy<Glm4vTokenizer> Tokenizer = new(() =>
    {
        string dir = RandomModels.NewTempDir("test-processor-tokenizer");
        TinyTokenizer.Write(dir, Config.Value);
        return Glm4vTokenizer.Load(dir);
    });

    public static Glm4vProcessor Create(ChatTemplateFamily family = ChatTemplateFamily.Glm45v, ProcessorOptions? options = null) =>
        new(Config.Value, Tokenizer.Value, ChatTemplates.For(family), new ImageProcessor(), VideoSamplingRule.Glm4v, options);

    /// <summary>A W×H PNG of a smooth gradient.</summary>
    public static DataContent Png(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(i * 7 % 251);
        return new DataContent(TestImages.Png(width, height, 3, rgb), "image/png");
    }
}
