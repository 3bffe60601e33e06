using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector;

/// <summary>Reads one <c>ChatOptions.AdditionalProperties</c> entry the same way for the remote and the local client.</summary>
internal static class AdditionalProperty
{
    /// <summary>False when absent or null; the value converted to <typeparamref name="T"/> (a JSON element, a string, another number type) otherwise.</summary>
    /// <exception cref="ArgumentException">The value cannot be read as <typeparamref name="T"/>; the message names the key.</exception>
    internal static bool TryGet<T>(AdditionalPropertiesDictionary? d, string key, out T value)
    {
        value = default!;
        if (d is null || !d.TryGetValue(key, out var raw) || raw is null) return false;
        try
        {
            switch (raw)
            {
                case T t: value = t; return true;
                case JsonElement e: value = e.Deserialize<T>()!; return true;
                case IConvertible c: value = (T)Convert.ChangeType(c, typeof(T), System.Globalization.CultureInfo.InvariantCulture); return true;
            }
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or JsonException or OverflowException)
        {
            throw new ArgumentException($"ChatOptions.AdditionalProperties['{key}'] = '{raw}' is not a valid {typeof(T).Name}.", e);
        }
        return false;
    }
}
