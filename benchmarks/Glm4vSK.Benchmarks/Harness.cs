using System.Diagnostics;

namespace Glm4vSK.Benchmarks;

/// <summary>Median / min / max of the timed repetitions of one quantity (seconds unless stated).</summary>
internal readonly record struct Stats(double Median, double Min, double Max, int Count)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) throw new ArgumentException("No samples.", nameof(values));
        double median = v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
        return new Stats(median, v[0], v[^1], v.Length);
    }

    public Stats Scale(double factor) => new(Median * factor, Min * factor, Max * factor, Count);
}

/// <summary>
/// How many untimed warm-up runs and timed repetitions a benchmark gets: at least <see cref="Timed"/>, and more (up
/// to <see cref="MaxTimed"/>) until the timed repetitions have taken <see cref="MinSeconds"/> in all, so cheap
/// benchmarks get enough samples for a stable median on a noisy machine.
/// </summary>
internal readonly record struct Reps(int Warmup, int Timed, double MinSeconds = 0, int MaxTimed = 0);

/// <summary>
/// A minimal Stopwatch harness: warm-up runs (JIT, libtorch's first-call allocations, oneDNN kernel selection), then
/// timed repetitions; a full GC runs before every repetition, outside the timed region, so one repetition's garbage
/// does not land in the next one's timing.
/// </summary>
internal static class Harness
{
    /// <summary>
    /// Runs <paramref name="body"/> (which times itself and returns one or more quantities) and summarises each
    /// quantity over the timed repetitions.
    /// </summary>
    public static Stats[] Measure(Reps reps, Func<double[]> body)
    {
        for (int i = 0; i < reps.Warmup; i++)
        {
            Collect();
            body();
        }
        var samples = new List<double[]>(reps.Timed);
        int max = Math.Max(reps.Timed, reps.MaxTimed);
        double spent = 0;
        while (samples.Count < max && (samples.Count < reps.Timed || spent < reps.MinSeconds))
        {
            Collect();
            long start = Stopwatch.GetTimestamp();
            samples.Add(body());
            spent += Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        int n = samples[0].Length;
        return Enumerable.Range(0, n).Select(k => Stats.Of(samples.Select(s => s[k]))).ToArray();
    }

    /// <summary>Seconds per call of <paramref name="body"/>.</summary>
    public static Stats Time(Reps reps, Action body) => Measure(reps, () =>
    {
        long start = Stopwatch.GetTimestamp();
        body();
        return [Stopwatch.GetElapsedTime(start).TotalSeconds];
    })[0];

    public static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
