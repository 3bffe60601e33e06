using System.Reflection;

namespace Glm4vSK.LocalEngine.Testing;

/// <summary>
/// The test executables' entry point (xunit's generated one is turned off): a child started by
/// <see cref="ChildProcessProbe"/> runs its probe; otherwise it is exactly what xunit v3 generates.
/// </summary>
internal static class TestEntryPoint
{
    public static int Main(string[] args)
    {
        if (ChildProcessProbe.TryRunAsChild(out int exitCode)) return exitCode;
        if (args.Any(a => a is "--server" or "--internal-msbuild-node"))
        {
            // Microsoft.Testing.Platform mode: its extensions class is generated into each project's root namespace.
            MethodInfo register = typeof(TestEntryPoint).Assembly.GetTypes()
                .Single(t => t.Name == "SelfRegisteredExtensions").GetMethod("AddSelfRegisteredExtensions")!;
            return Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework
                .RunAsync(args, (builder, a) => register.Invoke(null, [builder, a])).GetAwaiter().GetResult();
        }
        return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
