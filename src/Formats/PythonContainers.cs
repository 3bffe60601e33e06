using System.Collections;
using System.Text;

namespace Glm4vSK.Formats;

/// <summary>The container layout <c>json.dumps</c> and <c>repr</c> share: <c>{k: v, …}</c> and <c>[a, …]</c>.</summary>
internal static class PythonContainers
{
    /// <summary>
    /// Writes a string-keyed dictionary as a dict or another enumerable as a list, each key and item by the caller's
    /// writer; false (nothing written) for any other value.
    /// </summary>
    public static bool TryWrite(StringBuilder sb, object value, Action<string> key, Action<object?> item)
    {
        string separator = "";
        switch (value)
        {
            case IEnumerable<KeyValuePair<string, object?>> dict:
                sb.Append('{');
                foreach (var (k, v) in dict)
                {
                    sb.Append(separator);
                    separator = ", ";
                    key(k);
                    sb.Append(": ");
                    item(v);
                }
                sb.Append('}');
                return true;
            case IEnumerable list:
                sb.Append('[');
                foreach (object? v in list)
                {
                    sb.Append(separator);
                    separator = ", ";
                    item(v);
                }
                sb.Append(']');
                return true;
            default:
                return false;
        }
    }
}
