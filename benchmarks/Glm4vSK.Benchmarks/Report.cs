using System.Globalization;
using System.Text;

namespace Glm4vSK.Benchmarks;

/// <summary>One measured figure. <see cref="Time"/> holds seconds per unit of <see cref="Work"/>.</summary>
/// <param name="Model">Model label (e.g. "tiny", "medium").</param>
/// <param name="DType">"fp32" or "bf16".</param>
/// <param name="Benchmark">What was measured.</param>
/// <param name="Time">Seconds per repetition (median, min, max over the timed repetitions).</param>
/// <param name="Work">Units of work per repetition (tokens for throughput rows); 0 for time-only rows.</param>
/// <param name="Unit">"tok/s" for throughput rows; "ms", "s" or "µs/call" for time rows.</param>
internal sealed record Row(string Model, string DType, string Benchmark, Stats Time, double Work, string Unit)
{
    public bool IsThroughput => Work > 0;
    /// <summary>Median figure in <see cref="Unit"/>.</summary>
    public double Median => IsThroughput ? Work / Time.Median : Time.Median * TimeScale;
    /// <summary>Best figure (from the fastest repetition) in <see cref="Unit"/>.</summary>
    public double Best => IsThroughput ? Work / Time.Min : Time.Min * TimeScale;
    double TimeScale => Unit.StartsWith("µs", StringComparison.Ordinal) ? 1e6 : Unit.StartsWith("s", StringComparison.Ordinal) ? 1 : 1e3;
}

/// <summary>The decode step against the sum of its GEMVs, for one model and dtype.</summary>
/// <param name="Step">Single decode steps of the paired runs.</param>
/// <param name="Floor">The GEMV-floor pass that followed each of those steps.</param>
/// <param name="Ratio">Step ÷ floor, per pair.</param>
/// <param name="Excess">Step − floor, per pair (seconds).</param>
internal sealed record OverheadRow(string Model, string DType, Stats Step, Stats Floor, Stats Ratio, Stats Excess, int GemvCount, long WeightBytes);

internal static class Report
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>3 significant digits, no exponent.</summary>
    public static string Num(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v)) return "n/a";
        double a = Math.Abs(v);
        string f = a >= 100 ? "F0" : a >= 10 ? "F1" : a >= 1 ? "F2" : "F3";
        return v.ToString(f, Inv);
    }

    public static string Ratio(double v) => double.IsNaN(v) ? "" : v.ToString(v >= 10 ? "F1" : "F2", Inv) + "×";

    /// <summary>The main table; each bf16 row carries its speed relative to the fp32 row of the same model and benchmark.</summary>
    public static string Results(IReadOnlyList<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| model | dtype | benchmark | median | best | unit | spread | speed vs fp32 | n |");
        sb.AppendLine("|---|---|---|---:|---:|---|---:|---:|---:|");
        foreach (var r in rows)
        {
            var baseline = rows.FirstOrDefault(b => b.Model == r.Model && b.Benchmark == r.Benchmark && b.DType == "fp32");
            // Speed ratio: > 1 means faster than fp32, for throughput and for time rows alike.
            string ratio = baseline is null || ReferenceEquals(baseline, r) ? "" : Ratio(SpeedRatio(r, baseline));
            string spread = r.Time.Count > 1 ? Ratio(r.Time.Max / r.Time.Min) : "";
            sb.Append(Inv, $"| {r.Model} | {r.DType} | {r.Benchmark} | {Num(r.Median)} | {Num(r.Best)} | {r.Unit} | {spread} | {ratio} | {r.Time.Count} |").AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>How many times faster <paramref name="r"/> is than <paramref name="baseline"/> (same work per repetition).</summary>
    static double SpeedRatio(Row r, Row baseline) => r.IsThroughput
        ? r.Median / baseline.Median
        : baseline.Time.Median / r.Time.Median;

    /// <summary>
    /// The decode step against its GEMV floor, from decode runs in which every step is followed by one floor pass:
    /// medians over the pairs, so both sides saw the same machine conditions.
    /// </summary>
    public static string Overhead(IReadOnlyList<OverheadRow> rows, Stats trivialOp)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| model | dtype | decode step ms | GEMV floor ms | GEMVs | weights read MB | step ÷ floor | non-GEMV share | floor GB/s | non-GEMV ms per step | ≈ trivial ops per step | pairs |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        double op = trivialOp.Median;
        foreach (var r in rows)
        {
            double ratio = r.Ratio.Median;
            double excess = Math.Max(r.Excess.Median, 0);
            sb.Append(Inv,
                $"| {r.Model} | {r.DType} | {Num(r.Step.Median * 1e3)} | {Num(r.Floor.Median * 1e3)} | {r.GemvCount} | {Num(r.WeightBytes / 1e6)} | {Ratio(ratio)} | {Num(100 * Math.Max(0, 1 - 1 / ratio))} % | {Num(r.WeightBytes / r.Floor.Median / 1e9)} | {Num(excess * 1e3)} | {Num(excess / op)} | {r.Ratio.Count} |")
                .AppendLine();
        }
        return sb.ToString();
    }
}
