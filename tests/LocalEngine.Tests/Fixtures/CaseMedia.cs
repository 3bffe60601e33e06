using System.Text.RegularExpressions;

namespace Glm4vSK.LocalEngine.Tests.Fixtures;

/// <summary>
/// The input PNGs of a model case: <c>&lt;case&gt;.image&lt;i&gt;.png</c> in index order, and
/// <c>&lt;case&gt;.video&lt;v&gt;.frame&lt;k&gt;.png</c> grouped by video, frames in index order.
/// </summary>
public sealed partial record CaseMedia(IReadOnlyList<string> Images, IReadOnlyList<IReadOnlyList<string>> Videos)
{
    public bool IsEmpty => Images.Count == 0 && Videos.Count == 0;

    public static CaseMedia Find(string modelDir, string caseName)
    {
        string cases = Path.Combine(modelDir, "cases");
        var images = new SortedDictionary<int, string>();
        var videos = new SortedDictionary<int, SortedDictionary<int, string>>();
        foreach (var f in Directory.GetFiles(cases, caseName + ".*.png"))
        {
            string rest = Path.GetFileName(f)[(caseName.Length + 1)..];
            if (ImageName().Match(rest) is { Success: true } mi)
                images.Add(int.Parse(mi.Groups[1].Value), f);
            else if (FrameName().Match(rest) is { Success: true } mv)
            {
                int v = int.Parse(mv.Groups[1].Value), k = int.Parse(mv.Groups[2].Value);
                if (!videos.TryGetValue(v, out var frames)) videos[v] = frames = [];
                frames.Add(k, f);
            }
        }
        Check(images.Keys, $"{caseName} images");
        foreach (var (v, frames) in videos) Check(frames.Keys, $"{caseName} video {v} frames");
        Check(videos.Keys, $"{caseName} videos");
        return new CaseMedia(images.Values.ToList(), videos.Values.Select(f => (IReadOnlyList<string>)f.Values.ToList()).ToList());
    }

    /// <summary>Indices must run 0, 1, 2 … without gaps.</summary>
    static void Check(IEnumerable<int> keys, string what)
    {
        int expected = 0;
        foreach (int k in keys)
            if (k != expected++) throw new InvalidDataException($"{what}: index {expected - 1} is missing (found {k}).");
    }

    /// <summary>Model case ids ("dir/case") that have input PNGs.</summary>
    public static IEnumerable<string> DiscoverCaseIds() =>
        ModelCase.DiscoverIds().Where(id =>
        {
            var parts = id.Split('/');
            return !Find(Path.Combine(FixtureRoot.Require(), "models", parts[0]), parts[1]).IsEmpty;
        });

    [GeneratedRegex(@"^image(\d+)\.png$")]
    private static partial Regex ImageName();

    [GeneratedRegex(@"^video(\d+)\.frame(\d+)\.png$")]
    private static partial Regex FrameName();
}
