namespace Glm4vSK.Server;

/// <summary>Marker for the server assembly (endpoints and the chat page are added by the work).</summary>
internal static class ServerAssembly
{
}
