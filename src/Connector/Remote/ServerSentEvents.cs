using System.Runtime.CompilerServices;
using System.Text;

namespace Glm4vSK.Connector.Remote;

/// <summary>A minimal reader of <c>text/event-stream</c>: yields the data of each event (multi-line data joined with <c>\n</c>).</summary>
internal static class ServerSentEvents
{
    public static async IAsyncEnumerable<string> ReadDataAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        var data = new StringBuilder();
        bool any = false;
        while (true)
        {
            string? line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null) break;
            if (line.Length == 0)
            {
                if (any) yield return data.ToString();
                data.Clear();
                any = false;
                continue;
            }
            if (line[0] == ':') continue; // comment / keep-alive
            int colon = line.IndexOf(':');
            string field = colon < 0 ? line : line[..colon];
            if (field != "data") continue; // event:, id:, retry: are not used by chat-completions servers
            string value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            if (any) data.Append('\n');
            data.Append(value);
            any = true;
        }
        if (any) yield return data.ToString();
    }
}
