using System.Net;

namespace Glm4vSK.Connector;

/// <summary>
/// A remote GLM server refused or failed a request: an HTTP error status (<see cref="HttpRequestException.StatusCode"/>),
/// an error event inside a stream (status null), a malformed response or chunk (the message names the field), or a
/// response past one of the client's limits (<see cref="Glm4vRemoteOptions.Timeout"/>,
/// <see cref="Glm4vRemoteOptions.StreamIdleTimeout"/>, <see cref="Glm4vRemoteOptions.MaxResponseBytes"/>,
/// <see cref="Glm4vRemoteOptions.MaxEventBytes"/>; the message names the setting). <see cref="ServerMessage"/> is the server's own message (vLLM:
/// <c>{"error": {"message": …}}</c> or <c>{"object": "error", "message": …}</c>; FastAPI: <c>{"detail": …}</c>).
/// </summary>
public sealed class Glm4vRemoteException : HttpRequestException
{
    public Glm4vRemoteException(string message, HttpStatusCode? statusCode, string serverMessage, string? responseBody, Exception? inner = null)
        : base(message, inner, statusCode)
    {
        ServerMessage = serverMessage;
        ResponseBody = responseBody;
    }

    /// <summary>The message the server gave (or its whole body, cut to 4,000 characters, when it gave no JSON message).</summary>
    public string ServerMessage { get; }

    /// <summary>The raw error body, or the malformed response or event (at most 64 KiB), when there was one.</summary>
    public string? ResponseBody { get; }
}
