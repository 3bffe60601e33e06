namespace Glm4vSK.Benchmarks;

/// <summary>Where the repository and the fixtures are (same rule as the tests).</summary>
internal static class Paths
{
    /// <summary>$GLM4V_FIXTURES, else the repository's tests/fixtures; null outside the repository (an installed tool).</summary>
    public static string? FixtureRoot
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("GLM4V_FIXTURES");
            if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
            return RepositoryRoot is { } root ? Path.GetFullPath(Path.Combine(root, "tests", "fixtures")) : null;
        }
    }

    /// <summary>models/<paramref name="name"/> of the fixture set, or null when there is no fixture set.</summary>
    public static string? FixtureModel(string name) => FixtureRoot is { } root ? Path.Combine(root, "models", name) : null;

    /// <summary>The first directory holding Glm4vSK.sln above the binaries, else above the working directory.</summary>
    public static string? RepositoryRoot => FindUp(AppContext.BaseDirectory) ?? FindUp(Environment.CurrentDirectory);

    /// <summary><paramref name="path"/> relative to the repository root when it lies in it, else as given.</summary>
    public static string Relative(string path) =>
        RepositoryRoot is { } root && Path.GetFullPath(path).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? Path.GetRelativePath(root, path) : path;

    static string? FindUp(string start)
    {
        var dir = new DirectoryInfo(start);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Glm4vSK.sln"))) dir = dir.Parent;
        return dir?.FullName;
    }
}

/// <summary>Host facts for the report header.</summary>
internal static class Machine
{
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                        return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>Jiffies (USER_HZ, normally 100/s) of the whole machine and of this process, from /proc; null off Linux.</summary>
    public readonly record struct CpuSample(long Busy, long Steal, long Self);

    public static CpuSample? SampleCpu()
    {
        try
        {
            if (!File.Exists("/proc/stat") || !File.Exists("/proc/self/stat")) return null;
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            // user nice system idle iowait irq softirq steal …: busy = everything but idle and iowait (and steal, reported apart).
            long busy = f[0] + f[1] + f[2] + f[5] + f[6];
            long steal = f.Length > 7 ? f[7] : 0;
            string self = File.ReadAllText("/proc/self/stat");
            var rest = self[(self.LastIndexOf(')') + 2)..].Split(' ');
            long selfJ = long.Parse(rest[11]) + long.Parse(rest[12]); // utime, stime (fields 14 and 15)
            return new CpuSample(busy, steal, selfJ);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>"other processes used X core·s (Y % of one core), steal Z core·s" between two samples.</summary>
    public static string OtherLoad(CpuSample? a, CpuSample? b, double seconds)
    {
        if (a is not CpuSample x || b is not CpuSample y) return "n/a";
        const double hz = 100;
        double other = Math.Max(0, (y.Busy - x.Busy) - (y.Self - x.Self)) / hz;
        double steal = (y.Steal - x.Steal) / hz;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"other processes and the kernel used {other:F1} CPU·s ({100 * other / seconds:F0} % of one core) while this ran; steal reported by the guest: {steal:F1} CPU·s");
    }

    /// <summary>Waits (up to <paramref name="maxSeconds"/>) for a 5 s window in which other processes use &lt; 15 % of one core.</summary>
    public static void WaitQuiet(double maxSeconds, TextWriter log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(maxSeconds);
        while (true)
        {
            var a = SampleCpu();
            Thread.Sleep(5000);
            var b = SampleCpu();
            if (a is not CpuSample x || b is not CpuSample y) return;
            double other = Math.Max(0, (y.Busy - x.Busy) - (y.Self - x.Self)) / 100.0 / 5.0;
            if (other < 0.15)
            {
                log.WriteLine($"[{DateTime.Now:HH:mm:ss}] machine quiet (others {100 * other:F0} % of a core); starting");
                return;
            }
            if (DateTime.UtcNow >= deadline)
            {
                log.WriteLine($"[{DateTime.Now:HH:mm:ss}] still busy (others {100 * other:F0} % of a core); starting anyway");
                return;
            }
            log.WriteLine($"[{DateTime.Now:HH:mm:ss}] waiting: other processes use {100 * other:F0} % of a core");
        }
    }

    public static string LoadAverage()
    {
        try { return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a"; }
        catch (IOException) { return "n/a"; }
    }

    public static string MemoryGiB()
    {
        long bytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return (bytes / (1024.0 * 1024 * 1024)).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
    }
}
