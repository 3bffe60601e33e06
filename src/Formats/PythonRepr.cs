using System.Globalization;
using System.Text;

namespace Glm4vSK.Formats;

/// <summary>
/// Python's <c>repr</c> of literal-shaped values (<c>{'action_type': 'click', 'box_2d': [[1, 2, 3, 4]]}</c>,
/// <c>True</c>/<c>False</c>/<c>None</c>, floats as <c>repr(float)</c>): how the GLM-V prompts show earlier actions.
/// Dictionaries (string-keyed) are dicts, other enumerables lists; any other value is written as the repr of its text.
/// </summary>
public static class PythonRepr
{
    /// <summary><c>repr(value)</c>.</summary>
    public static string Write(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    /// <summary>Appends <c>repr(value)</c>.</summary>
    public static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("None"); break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case string s: AppendString(sb, s); break;
            case long or int or short or byte or sbyte or uint or ulong or ushort:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            case double or float or decimal:
                AppendFloat(sb, Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case var other when PythonContainers.TryWrite(sb, other, k => AppendString(sb, k), v => Append(sb, v)):
                break;
            default:
                AppendString(sb, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                break;
        }
    }

    private static void AppendFloat(StringBuilder sb, double d)
    {
        if (double.IsNaN(d)) { sb.Append("nan"); return; }
        if (double.IsInfinity(d)) { sb.Append(d > 0 ? "inf" : "-inf"); return; }
        sb.Append(PythonJson.FormatFloat(d)); // json.dumps writes a finite float as repr does
    }

    /// <summary>Python 3 <c>repr(str)</c>: single quotes unless the text has <c>'</c> and no <c>"</c>; printable Unicode kept.</summary>
    private static void AppendString(StringBuilder sb, string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append(quote);
    }
}
