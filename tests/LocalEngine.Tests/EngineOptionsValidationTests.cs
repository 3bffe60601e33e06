using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// Every <see cref="EngineOptions"/> field is checked before the engine reads a file or calls libtorch: an invalid
/// value is an <see cref="ArgumentException"/> naming the field and the fix, never a native abort.
/// </summary>
public sealed class EngineOptionsValidationTests
{
    const string NoSuchModel = "/nonexistent/glm4v-options-test";

    static readonly Dictionary<string, (string Field, EngineOptions Options)> Invalid = new()
    {
        ["device gpu"] = ("Device", new EngineOptions { Device = "gpu" }),
        ["device empty"] = ("Device", new EngineOptions { Device = "" }),
        ["device null"] = ("Device", new EngineOptions { Device = null! }),
        ["device padded"] = ("Device", new EngineOptions { Device = " cpu" }),
        ["device cuda:"] = ("Device", new EngineOptions { Device = "cuda:" }),
        ["device cuda:-1"] = ("Device", new EngineOptions { Device = "cuda:-1" }),
        ["device cuda:x"] = ("Device", new EngineOptions { Device = "cuda:x" }),
        ["device cuda:0:1"] = ("Device", new EngineOptions { Device = "cuda:0:1" }),
        ["device index overflow"] = ("Device", new EngineOptions { Device = "cuda:99999999999" }),
        ["dtype int8"] = ("DType", new EngineOptions { DType = ScalarType.Int8 }),
        ["dtype float64"] = ("DType", new EngineOptions { DType = ScalarType.Float64 }),
        ["dtype undefined"] = ("DType", new EngineOptions { DType = (ScalarType)100 }),
        ["context 0"] = ("MaxContextTokens", new EngineOptions { MaxContextTokens = 0 }),
        ["context negative"] = ("MaxContextTokens", new EngineOptions { MaxContextTokens = -5 }),
        // CpuThreads 0 / -1 abort the process inside libtorch: they are covered in child processes below.
        ["threads over the bound"] = ("CpuThreads", new EngineOptions { CpuThreads = EngineOptions.MaxCpuThreads + 1 }),
        ["threads int max"] = ("CpuThreads", new EngineOptions { CpuThreads = int.MaxValue }),
        ["device memory 0"] = ("DeviceMemoryBytes", new EngineOptions { DeviceMemoryBytes = 0 }),
        ["device memory negative"] = ("DeviceMemoryBytes", new EngineOptions { DeviceMemoryBytes = -1 }),
    };

    public static TheoryData<string> InvalidCases => new(Invalid.Keys);

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void An_invalid_option_fails_before_anything_is_loaded_naming_the_field(string name)
    {
        var (field, options) = Invalid[name];
        // The model path does not exist: only an up-front check can name the option instead of the path.
        var e = Assert.Throws<ArgumentException>(() => { using var _ = Glm4vEngine.Load(NoSuchModel, options); });
        Assert.Equal(field, e.ParamName);
        Assert.Contains($"EngineOptions.{field}", e.Message);
        Assert.DoesNotContain(NoSuchModel, e.Message);
        Assert.Equal(field, Assert.Single(options.FindProblems()).Field);
        Assert.Equal(field, Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    [Fact]
    public async Task LoadAsync_reports_an_invalid_option_the_same_way()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Glm4vEngine.LoadAsync(NoSuchModel, new EngineOptions { MaxContextTokens = 0 }));
        Assert.Equal("MaxContextTokens", e.ParamName);
    }

    [Fact]
    public void Every_invalid_field_is_listed_in_one_error()
    {
        var options = new EngineOptions { Device = "tpu", DType = ScalarType.Int32, MaxContextTokens = 0, CpuThreads = 0 };
        Assert.Equal(["Device", "DType", "MaxContextTokens", "CpuThreads"], options.FindProblems().Select(p => p.Field));
        var e = Assert.Throws<ArgumentException>(options.Validate);
        foreach (var f in new[] { "Device", "DType", "MaxContextTokens", "CpuThreads" }) Assert.Contains($"EngineOptions.{f}", e.Message);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("CPU")]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("CUDA:3")]
    public void Valid_devices_pass_validation(string device)
    {
        var options = new EngineOptions { Device = device, DType = ScalarType.BFloat16, MaxContextTokens = 1, CpuThreads = 1 };
        Assert.Empty(options.FindProblems());
        options.Validate();
        new EngineOptions().Validate();
        new EngineOptions { CpuThreads = EngineOptions.MaxCpuThreads, DType = ScalarType.Float16 }.Validate();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void CpuThreads_below_one_is_a_typed_error_not_a_process_abort(int threads)
    {
        var outcome = ChildProcessProbe.Run(threads == 0 ? LoadWithZeroThreads : LoadWithMinusOneThreads);
        Assert.False(outcome.Crashed, outcome.ToString());
        Assert.Equal(typeof(ArgumentException).FullName, outcome.ExceptionType);
        Assert.Contains("EngineOptions.CpuThreads", outcome.ExceptionMessage);
        Assert.Contains($"is {threads}", outcome.ExceptionMessage);
    }

    static string LoadWithZeroThreads() => LoadWithThreads(0);

    static string LoadWithMinusOneThreads() => LoadWithThreads(-1);

    /// <summary>
    /// A real model directory, so that nothing but the thread count can stop the load. Written to a folder of the
    /// probe's own (not RandomModels', whose exit handler keeps a probe child from exiting).
    /// </summary>
    static string LoadWithThreads(int threads)
    {
        string dir = Path.Combine(Path.GetTempPath(), "glm4vsk-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            TinyCheckpoint.Write(dir, TinyCheckpoint.Config(layers: 1));
            using var engine = Glm4vEngine.Load(dir, new EngineOptions { CpuThreads = threads });
            return "loaded";
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
