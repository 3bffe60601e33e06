using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Glm4vSK.Formats;

/// <summary>
/// Finds grounding boxes and points in a GLM answer. Coordinates are
/// thousandths of the image size, x first; pixels = value / 1000 × size (first-party convention; not /999), neither
/// clamped nor reordered.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>The first think block is dropped (<c>&lt;think&gt;…&lt;/think&gt;</c>; text up to a lone <c>&lt;/think&gt;</c>; from a
/// lone <c>&lt;think&gt;</c> to the end).</item>
/// <item>Every <c>&lt;|begin_of_box|&gt;…&lt;|end_of_box|&gt;</c> span is read (<c>&lt;|start_of_box|&gt;</c> accepted as a typo).
/// Leading zeros of numbers outside quotes are removed, then the span is read as JSON, else as a Python literal (with
/// <c>true</c>/<c>false</c>/<c>null</c> allowed): a flat 4-list is a box, a flat 2-list a point, lists of them boxes or
/// points (structure beats number count), dicts with <c>bbox_2d</c>/<c>box_2d</c> (4-list or <c>[[4]]</c>) or
/// <c>point_2d</c> give boxes or points with their <c>label</c>. A span that is neither JSON nor a literal gives boxes
/// when its numbers are a non-zero multiple of 4 and a point when there are exactly 2; otherwise (<c>42</c>, <c>1+x</c>)
/// nothing. Bracket style does not matter (<c>[]</c>, <c>[[]]</c>, <c>()</c>, <c>&lt;&gt;</c>).</item>
/// <item>Without complete spans (markers stripped by the server, or an unterminated span), every bracketed group of
/// exactly four numbers (<c>[..]</c>, <c>(..)</c>, <c>&lt;..&gt;</c>) is a box. Numbers in prose are never coordinates.</item>
/// </list>
/// </remarks>
public static class GroundingParser
{
    static readonly Regex Span = new(@"<\|(?:begin|start)_of_box\|>(.*?)<\|end_of_box\|>", RegexOptions.Singleline | RegexOptions.CultureInvariant);
    static readonly Regex Number = new(@"-?\d+(?:\.\d+)?", RegexOptions.CultureInvariant);
    const string N = @"\s*(-?\d+(?:\.\d+)?)\s*";
    static readonly Regex Bracketed4 = new(
        $@"\[{N},{N},{N},{N}\]|\({N},{N},{N},{N}\)|<{N},{N},{N},{N}>", RegexOptions.CultureInvariant);

    /// <summary>Parses <paramref name="text"/> for an image of <paramref name="imageWidth"/> × <paramref name="imageHeight"/> pixels.</summary>
    public static GroundingResult Parse(string text, int imageWidth, int imageHeight)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        var found = new Found();
        string answer = DropThink(text);
        var spans = Span.Matches(answer);
        if (spans.Count > 0)
        {
            foreach (Match m in spans) ReadSpan(m.Groups[1].Value, found);
        }
        else
        {
            foreach (Match m in Bracketed4.Matches(answer))
            {
                var values = m.Groups.Cast<Group>().Skip(1).Where(g => g.Success).Select(g => ParseDouble(g.Value)).ToArray();
                found.Boxes.Add((null, new GroundingRect(values[0], values[1], values[2], values[3])));
            }
        }
        return new GroundingResult(
            found.Boxes.Select(b => new GroundingBox(b.Label, b.Rect, ToPixels(b.Rect, imageWidth, imageHeight))).ToList(),
            found.Points.Select(p => new GroundingPoint(p.Label, p.Point, ToPixels(p.Point, imageWidth, imageHeight))).ToList(),
            imageWidth, imageHeight);
    }

    /// <summary>Thousandths → pixels: <c>v / 1000 × size</c>.</summary>
    public static GroundingRect ToPixels(GroundingRect normalized, int imageWidth, int imageHeight) => new(
        Thousandths.ToPixels(normalized.X1, imageWidth), Thousandths.ToPixels(normalized.Y1, imageHeight),
        Thousandths.ToPixels(normalized.X2, imageWidth), Thousandths.ToPixels(normalized.Y2, imageHeight));

    /// <summary>Thousandths → pixels: <c>v / 1000 × size</c>.</summary>
    public static GroundingPointF ToPixels(GroundingPointF normalized, int imageWidth, int imageHeight) =>
        new(Thousandths.ToPixels(normalized.X, imageWidth), Thousandths.ToPixels(normalized.Y, imageHeight));

    sealed class Found
    {
        public readonly List<(string? Label, GroundingRect Rect)> Boxes = [];
        public readonly List<(string? Label, GroundingPointF Point)> Points = [];
    }

    static string DropThink(string text)
    {
        int open = text.IndexOf(GlmTags.ThinkStart, StringComparison.Ordinal);
        int close = text.IndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal);
        if (open >= 0 && (close < 0 || open < close))
        {
            int end = text.IndexOf(GlmTags.ThinkEnd, open, StringComparison.Ordinal);
            return end < 0 ? text[..open] : text[..open] + text[(end + GlmTags.ThinkEnd.Length)..];
        }
        return close >= 0 ? text[(close + GlmTags.ThinkEnd.Length)..] : text;
    }

    static void ReadSpan(string span, Found found)
    {
        string payload = StripLeadingZeros(span).Trim();
        if (payload.Length == 0) return;
        if ((ToolArgumentValues.TryParseJson(payload, out object? value) || PythonLiteral.TryParse(payload, out value, allowJsonNames: true))
            && value is List<object?> or OrderedDictionary<string, object?>)
        {
            Interpret(value, found);
            return;
        }
        var numbers = Number.Matches(payload).Select(m => ParseDouble(m.Value)).ToArray();
        if (numbers.Length > 0 && numbers.Length % 4 == 0)
        {
            for (int i = 0; i < numbers.Length; i += 4)
                found.Boxes.Add((null, new GroundingRect(numbers[i], numbers[i + 1], numbers[i + 2], numbers[i + 3])));
        }
        else if (numbers.Length == 2)
        {
            found.Points.Add((null, new GroundingPointF(numbers[0], numbers[1])));
        }
    }

    static void Interpret(object? value, Found found)
    {
        switch (value)
        {
            case List<object?> list when Numbers(list) is { } nums:
                AddShape(nums, null, found, allowBox: true, allowPoint: true);
                break;
            case List<object?> list:
                foreach (object? item in list)
                    if (item is List<object?> or OrderedDictionary<string, object?>) Interpret(item, found);
                break;
            case OrderedDictionary<string, object?> dict:
                string? label = dict.TryGetValue("label", out object? l) ? LabelText(l) : null;
                bool any = false;
                foreach (string key in (string[])["bbox_2d", "box_2d"])
                {
                    if (dict.TryGetValue(key, out object? box))
                    {
                        AddShapes(box, label, found, allowBox: true, allowPoint: false);
                        any = true;
                        break;
                    }
                }
                if (dict.TryGetValue("point_2d", out object? point))
                {
                    AddShapes(point, label, found, allowBox: false, allowPoint: true);
                    any = true;
                }
                if (!any)
                {
                    // Nested detections ({"objects": [{"bbox_2d": …}]}): only dicts are looked into, never bare number lists.
                    foreach (var (_, v) in dict)
                    {
                        if (v is OrderedDictionary<string, object?>) Interpret(v, found);
                        else if (v is List<object?> items)
                            foreach (object? item in items)
                                if (item is OrderedDictionary<string, object?>) Interpret(item, found);
                    }
                }
                break;
        }
    }

    /// <summary>A 4-list / 2-list, or a list of them (<c>[[x1,y1,x2,y2]]</c>).</summary>
    static void AddShapes(object? value, string? label, Found found, bool allowBox, bool allowPoint)
    {
        if (value is not List<object?> list) return;
        if (Numbers(list) is { } nums)
        {
            AddShape(nums, label, found, allowBox, allowPoint);
            return;
        }
        foreach (object? item in list)
            if (item is List<object?> inner && Numbers(inner) is { } n) AddShape(n, label, found, allowBox, allowPoint);
    }

    static void AddShape(double[] nums, string? label, Found found, bool allowBox, bool allowPoint)
    {
        if (nums.Length == 4 && allowBox) found.Boxes.Add((label, new GroundingRect(nums[0], nums[1], nums[2], nums[3])));
        else if (nums.Length == 2 && allowPoint) found.Points.Add((label, new GroundingPointF(nums[0], nums[1])));
    }

    static double[]? Numbers(List<object?> list)
    {
        if (list.Count == 0) return null;
        var result = new double[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            switch (list[i])
            {
                case long l: result[i] = l; break;
                case double d: result[i] = d; break;
                default: return null;
            }
        }
        return result;
    }

    static string? LabelText(object? value) => value switch
    {
        null => null,
        string s => s,
        _ => PythonJson.Serialize(value, replaceLoneSurrogates: true),
    };

    static double ParseDouble(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>094</c> → <c>94</c>, <c>00.5</c> → <c>0.5</c> for numbers outside quoted strings (the reward code's
    /// normalisation, which JSON and Python literals need); digits inside names, labels and fractions are left alone.
    /// </summary>
    internal static string StripLeadingZeros(string s)
    {
        var sb = new StringBuilder(s.Length);
        char quote = '\0';
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (quote != '\0')
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < s.Length) sb.Append(s[++i]);
                else if (c == quote) quote = '\0';
                continue;
            }
            if (c is '"' or '\'')
            {
                quote = c;
                sb.Append(c);
                continue;
            }
            bool tokenStart = i == 0 || !(char.IsLetterOrDigit(s[i - 1]) || s[i - 1] is '_' or '.');
            if (c == '0' && tokenStart)
            {
                int j = i;
                while (j + 1 < s.Length && s[j] == '0' && char.IsAsciiDigit(s[j + 1])) j++;
                sb.Append(s[j]);
                i = j;
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
