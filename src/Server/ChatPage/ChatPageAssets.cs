using System.Reflection;
using System.Text;

namespace Glm4vSK.Server;

/// <summary>The chat page's files, embedded in the assembly (logical names <c>Glm4vSK.Server.ChatPage.{file}</c>), read once.</summary>
internal static class ChatPageAssets
{
    public static string IndexHtml { get; } = Encoding.UTF8.GetString(Read("index.html"));
    public static byte[] ChatJs { get; } = Read("chat.js");
    public static byte[] ChatCss { get; } = Read("chat.css");

    private static byte[] Read(string file)
    {
        string name = "Glm4vSK.Server.ChatPage." + file;
        using var stream = typeof(ChatPageAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from {typeof(ChatPageAssets).Assembly.GetName().Name}; check the EmbeddedResource items in Glm4vSK.Server.csproj.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
