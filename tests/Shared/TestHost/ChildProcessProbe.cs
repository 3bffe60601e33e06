using System.Diagnostics;
using System.Reflection;

namespace Glm4vSK.LocalEngine.Testing;

/// <summary>
/// Runs a probe (a static method of the test assembly) in a child process, so that a regression that crashes the
/// process (stack overflow, <c>std::terminate</c> in native code) fails one test instead of killing the test host.
/// </summary>
/// <remarks>
/// The child is the test assembly itself, started with <c>GLM4V_CHILD_PROBE=Namespace.Type.Method</c>: a module
/// The test executable's entry point (<c>TestEntryPoint</c>) runs the probe instead of xunit and exits. A probe is a static, parameterless method that
/// returns <c>void</c>, <c>string</c>, <c>Task</c> or <c>Task&lt;string&gt;</c>; its exception is reported by type.
/// </remarks>
public static class ChildProcessProbe
{
    private const string Variable = "GLM4V_CHILD_PROBE";
    private const string ResultPrefix = "PROBE-RESULT ";

    /// <summary>What the child did: exit code, the probe's return value, or the type and message of what it threw.</summary>
    public sealed record Outcome(int ExitCode, string? Result, string? ExceptionType, string? ExceptionMessage, string StdErr)
    {
        public bool Crashed => ExitCode != 0;

        public override string ToString() =>
            $"exit {ExitCode}, result {Result ?? "-"}, exception {ExceptionType ?? "-"}: {ExceptionMessage}; stderr: {Tail(StdErr)}";

        private static string Tail(string s) => s.Length <= 2000 ? s : s[^2000..];
    }

    /// <summary>Runs <paramref name="probe"/> (a method of the calling test assembly) in a child process.</summary>
    public static Outcome Run(Delegate probe, TimeSpan? timeout = null)
    {
        MethodInfo m = probe.Method;
        if (!m.IsStatic || m.GetParameters().Length != 0)
            throw new ArgumentException("A probe is a static method without parameters.", nameof(probe));
        string name = $"{m.DeclaringType!.FullName}.{m.Name}";
        string assembly = m.DeclaringType!.Assembly.Location;

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        start.Environment[Variable] = name;
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the probe process.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"Probe {name} did not finish in time; stderr: {stderr.Result}");
        }
        process.WaitForExit();

        string? result = null, type = null, message = null;
        foreach (string line in stdout.Result.Split('\n'))
        {
            if (!line.StartsWith(ResultPrefix, StringComparison.Ordinal)) continue;
            string[] parts = line[ResultPrefix.Length..].Split('\t', 3);
            if (parts[0] == "returned") result = Unescape(parts.ElementAtOrDefault(1) ?? "");
            else { type = parts.ElementAtOrDefault(1); message = Unescape(parts.ElementAtOrDefault(2) ?? ""); }
        }
        return new Outcome(process.ExitCode, result, type, message, stderr.Result);
    }

    /// <summary>
    /// In a child started by <see cref="Run"/>, runs the probe and returns true with the exit code; otherwise false.
    /// Called first thing in the test executable's entry point (a module initializer would hold the module's
    /// initialization lock, and any probe code that hops threads would wait on it forever).
    /// </summary>
    public static bool TryRunAsChild(out int exitCode)
    {
        exitCode = 0;
        string? name = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(name)) return false;
        Environment.SetEnvironmentVariable(Variable, null);   // grandchildren are ordinary processes
        int dot = name.LastIndexOf('.');
        Type type = typeof(ChildProcessProbe).Assembly.GetType(name[..dot], throwOnError: true)!;
        MethodInfo method = type.GetMethod(name[(dot + 1)..], BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
                            ?? throw new MissingMethodException(type.FullName, name[(dot + 1)..]);
        string line;
        try
        {
            object? value = method.Invoke(null, null);
            if (value is Task task)
            {
                task.GetAwaiter().GetResult();
                value = task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
            }
            line = $"returned\t{Escape(value?.ToString() ?? "")}";
        }
        catch (Exception e)
        {
            Exception inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
            line = $"threw\t{inner.GetType().FullName}\t{Escape(inner.Message)}";
        }
        Console.Out.WriteLine(ResultPrefix + line);
        Console.Out.Flush();
        return true;
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\t", "\\t").Replace("\r", "\\r");

    private static string Unescape(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length) { sb.Append(s[i]); continue; }
            char c = s[++i];
            sb.Append(c switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => c });
        }
        return sb.ToString();
    }
}
