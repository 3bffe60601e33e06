#pragma warning disable SKEXP0001 // BinaryContent (the base of SK's ImageContent and AudioContent) is marked experimental

using System.Collections;
using Microsoft.Extensions.AI;
using SK = Microsoft.SemanticKernel;

namespace Glm4vSK.Connector;

/// <summary>
/// Semantic Kernel's auto function calling (<c>UseKernelFunctionInvocation</c>) hands a kernel function's raw return
/// value to the chat client as <see cref="FunctionResultContent.Result"/>. A function that returns SK content
/// (<see cref="SK.ImageContent"/>, <see cref="SK.TextContent"/>, <see cref="SK.BinaryContent"/> with an image type, or a
/// list of them) would otherwise be written into the prompt as JSON; this turns such results into the
/// Microsoft.Extensions.AI contents the prompt builder renders as text and real images. Messages that need no change are
/// passed through as they are; the caller's messages are never mutated.
/// </summary>
internal static class KernelContentResults
{
    public static List<ChatMessage> Normalize(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = new List<ChatMessage>();
        foreach (var message in messages)
        {
            if (message is null || !message.Contents.Any(c => c is FunctionResultContent { Result: { } r } && HoldsKernelContent(r)))
            {
                list.Add(message!);
                continue;
            }
            var copy = message.Clone();
            copy.Contents = [.. message.Contents.Select(c => c is FunctionResultContent { Result: { } r } f && HoldsKernelContent(r) ? Convert(f) : c)];
            list.Add(copy);
        }
        return list;
    }

    static bool HoldsKernelContent(object result) =>
        result is SK.KernelContent ||
        result is IEnumerable items and not string and not IDictionary && items.Cast<object?>().Any(x => x is SK.KernelContent);

    static FunctionResultContent Convert(FunctionResultContent f)
    {
        object? converted = f.Result is SK.KernelContent single
            ? ToAIContent(single)
            : ((IEnumerable)f.Result!).Cast<object?>().Select(x => x is SK.KernelContent k ? ToAIContent(k) : x).ToList();
        return new FunctionResultContent(f.CallId, converted)
        {
            Exception = f.Exception,
            RawRepresentation = f.RawRepresentation ?? f.Result,
            AdditionalProperties = f.AdditionalProperties,
            Annotations = f.Annotations,
        };
    }

    /// <summary>SK content → MEAI content (images and other binary data as <see cref="DataContent"/> or <see cref="UriContent"/>).</summary>
    internal static object? ToAIContent(SK.KernelContent content) => content switch
    {
        SK.TextContent t => new TextContent(t.Text),
        SK.BinaryContent b when b.CanRead => new DataContent(b.Data!.Value, MediaType(b)),
        SK.BinaryContent { Uri: { } uri } b => new UriContent(uri, b.MimeType ?? DefaultMediaType(b)),
        _ => content.ToString(), // any other SK content (function call, streaming pieces...): its text, as SK itself would print it
    };

    static string MediaType(SK.BinaryContent b) => b.MimeType is { Length: > 0 } m ? m : DefaultMediaType(b);

    static string DefaultMediaType(SK.BinaryContent b) => b switch
    {
        SK.ImageContent => "image/*",
        SK.AudioContent => "audio/*",
        _ => "application/octet-stream",
    };
}
