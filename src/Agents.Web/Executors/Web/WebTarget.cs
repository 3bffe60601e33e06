using System.Globalization;

namespace Glm4vSK.Agents.Web;

/// <summary>A point in viewport (CSS) pixels.</summary>
internal readonly record struct WebPoint(double X, double Y)
{
    /// <summary><c>(640, 200)</c>: rounded to whole pixels, as outcomes show points.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"({Math.Round(X):0}, {Math.Round(Y):0})");
}

/// <summary>
/// Where an action acts, with the set-of-marks description (<c>[3] &lt;button&gt; "OK"</c>) when it came from a label;
/// a point action is described by what the page has there at run time.
/// </summary>
internal readonly record struct WebTarget(WebPoint At, string? Label = null)
{
    public string Describe(SetOfMarks.ElementInfo? info) =>
        Label is not null ? $"{Label} at {At}" : info is null ? At.ToString() : $"{At} on {info}";
}
