using Glm4vSK.Cli.Hosting;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.Tests.Support;

/// <summary>
/// The fixture set's first reference model (a directory with a <c>cases</c> folder and a config the engine supports,
/// discovered, never named) with the small test tokenizer added, loaded once per test process.
/// </summary>
internal static class TinyModel
{
    static readonly Lazy<Glm4vEngine> Loaded = new(() => Glm4vEngine.Load(DemoModel.WithTokenizer(Directory())));

    public static Glm4vEngine Engine => Loaded.Value;

    public static IChatClient Client() => new Glm4vChatClient(Engine);

    public static string Directory()
    {
        string models = Path.Combine(FixtureRoot.Require(), "models");
        foreach (var dir in System.IO.Directory.GetDirectories(models).Order(StringComparer.Ordinal))
        {
            if (!System.IO.Directory.Exists(Path.Combine(dir, "cases"))) continue;
            try
            {
                Glm4vConfig.Load(dir);
                return dir;
            }
            catch (Glm4vException) { }
        }
        throw new InvalidOperationException($"No model with a cases folder and a supported config under {models}.");
    }

    /// <summary>An image of the model's reference cases as a data URL (the fixture README: cases/*.image*.png).</summary>
    public static string ImageDataUrl()
    {
        string image = System.IO.Directory.GetFiles(Path.Combine(Directory(), "cases"), "*.png")
            .Where(f => Path.GetFileName(f).Contains(".image", StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("The fixture model's cases hold no image.");
        return "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(image));
    }
}
