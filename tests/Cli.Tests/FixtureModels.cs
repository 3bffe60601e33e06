using Glm4vSK.LocalEngine;

namespace Glm4vSK.Cli.Tests;

/// <summary>The fixture set's reference models: directories with a <c>cases</c> folder and a config the engine supports.</summary>
internal static class FixtureModels
{
    public static IReadOnlyList<string> All()
    {
        string models = Path.Combine(FixtureRoot.Require(), "models");
        var found = new List<string>();
        foreach (var dir in Directory.GetDirectories(models).Order(StringComparer.Ordinal))
        {
            if (!Directory.Exists(Path.Combine(dir, "cases"))) continue;
            try
            {
                Glm4vConfig.Load(dir);
                found.Add(dir);
            }
            catch (Glm4vException) { }
        }
        return found;
    }

    /// <summary>The first such model; fails (never passes empty) when the fixture set has none.</summary>
    public static string First() => All().FirstOrDefault()
        ?? throw new InvalidOperationException($"No model with a cases folder and a supported config under {Path.Combine(FixtureRoot.Require(), "models")}.");

    /// <summary>An image of one of the model's reference cases, or null when its cases have none.</summary>
    public static string? AnyImage(string modelDir) =>
        Directory.GetFiles(Path.Combine(modelDir, "cases"), "*.png").Where(f => Path.GetFileName(f).Contains(".image", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>The name of one of the model's reference cases (cases/NAME.safetensors).</summary>
    public static string AnyCase(string modelDir) =>
        Directory.GetFiles(Path.Combine(modelDir, "cases"), "*.safetensors").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).First();
}
