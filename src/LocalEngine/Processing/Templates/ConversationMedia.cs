using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// One image or video of a conversation: where its placeholder part is in the template messages
/// (<see cref="MessageIndex"/>, <see cref="PartIndex"/>), the content that holds the pixels (a
/// <see cref="DataContent"/> or <see cref="UriContent"/>), and where it came from in the caller's
/// <see cref="ChatMessage"/> list (<see cref="SourceMessageIndex"/>, <see cref="SourceContentIndex"/>; for media
/// inside a function result, the index of the <see cref="FunctionResultContent"/>).
/// </summary>
public sealed record ConversationMedia(int MessageIndex, int PartIndex, AIContent Content, int SourceMessageIndex, int SourceContentIndex)
{
    /// <summary>The declared media type (<c>image/png</c>, <c>video/mp4</c>, ...).</summary>
    public string MediaType => Content switch
    {
        DataContent d => d.MediaType,
        UriContent u => u.MediaType,
        VideoFramesContent => "video/x-frames",
        _ => "",
    };
}
