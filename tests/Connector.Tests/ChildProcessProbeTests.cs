namespace Glm4vSK.Connector.Tests;

/// <summary>The harness that runs crash-prone regression cases in a child process must itself tell the outcomes apart.</summary>
public sealed class ChildProcessProbeTests
{
    [Fact]
    public void A_probe_that_returns_reports_its_value()
    {
        var outcome = ChildProcessProbe.Run(ReturnsValue);
        Assert.False(outcome.Crashed, outcome.ToString());
        Assert.Equal("line 1\nline\t2", outcome.Result);
        Assert.Null(outcome.ExceptionType);
    }

    [Fact]
    public void A_probe_that_throws_reports_the_exception_type()
    {
        var outcome = ChildProcessProbe.Run(Throws);
        Assert.False(outcome.Crashed, outcome.ToString());
        Assert.Equal(typeof(FormatException).FullName, outcome.ExceptionType);
        Assert.Equal("bad input", outcome.ExceptionMessage);
    }

    [Fact]
    public void A_stack_overflow_is_reported_as_a_crash_not_a_dead_test_host()
    {
        var outcome = ChildProcessProbe.Run(OverflowsTheStack);
        Assert.True(outcome.Crashed, outcome.ToString());
        Assert.Null(outcome.Result);
    }

    [Fact]
    public void An_async_probe_that_hops_threads_completes()
    {
        var outcome = ChildProcessProbe.Run(HopsThreads, TimeSpan.FromSeconds(60));
        Assert.False(outcome.Crashed, outcome.ToString());
        Assert.Equal("42", outcome.Result);
    }

    private static async Task<string> HopsThreads()
    {
        await Task.Yield();
        return (await Task.Run(() => 6 * 7)).ToString();
    }

    private static string ReturnsValue() => "line 1\nline\t2";

    private static Task Throws() => Task.FromException(new FormatException("bad input"));

    private static int Recurse(int n) => n == int.MaxValue ? n : Recurse(n + 1) + 1;

    private static string OverflowsTheStack() => Recurse(0).ToString();
}
