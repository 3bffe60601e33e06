using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Tests.Support;

/// <summary>An in-memory executor: a fixed-size screenshot whose colour changes with every executed action, and a log of actions with their pixel points.</summary>
public sealed class RecordingExecutor : IGuiExecutor
{
    private int _version;

    public RecordingExecutor(int width = 1280, int height = 800, string platform = "test")
    {
        Width = width;
        Height = height;
        Platform = platform;
    }

    public int Width { get; }
    public int Height { get; }
    public string Platform { get; }

    /// <summary>Executed actions with the pixel point they were given.</summary>
    public List<(GuiAction Action, PixelPoint? Pixels)> Executed { get; } = [];

    /// <summary>Elements returned with each observation (set-of-marks).</summary>
    public IReadOnlyList<GuiElement> Elements { get; set; } = [];

    /// <summary>Sensitivity rule of the target (e.g. password fields).</summary>
    public Func<GuiAction, string?>? Sensitivity { get; set; }

    /// <summary>Delay inside ExecuteAsync (for timeouts).</summary>
    public TimeSpan ExecuteDelay { get; set; }

    /// <summary>Thrown from ObserveAsync when set.</summary>
    public Exception? ObserveError { get; set; }

    public int Observations { get; private set; }

    public static Screenshot MakeScreenshot(int width, int height, byte shade)
    {
        var rgba = new byte[width * height * 4];
        for (int i = 0; i < rgba.Length; i += 4)
        {
            rgba[i] = shade;
            rgba[i + 1] = (byte)(255 - shade);
            rgba[i + 2] = 128;
            rgba[i + 3] = 255;
        }
        return Screenshot.FromRgba(rgba, width, height);
    }

    public Task<GuiObservation> ObserveAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (ObserveError is not null) throw ObserveError;
        Observations++;
        return Task.FromResult(new GuiObservation(MakeScreenshot(Width, Height, (byte)(_version * 40 % 256)))
        {
            Elements = Elements,
            Location = $"test://screen/{_version}",
            CurrentApp = "Settings",
        });
    }

    public async Task<GuiActionOutcome> ExecuteAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default)
    {
        if (ExecuteDelay > TimeSpan.Zero) await Task.Delay(ExecuteDelay, cancellationToken);
        Executed.Add((action, action.ToPixels(observation.Screenshot.Width, observation.Screenshot.Height)));
        _version++;
        return GuiActionOutcome.Success($"did {action.Name}");
    }

    public ValueTask<string?> GetSensitivityAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Sensitivity?.Invoke(action));
}
