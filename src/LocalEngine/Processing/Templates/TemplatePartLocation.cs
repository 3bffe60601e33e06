namespace Glm4vSK.LocalEngine.Processing;

/// <summary>A content part of a rendered conversation: index into the message list, then into that message's parts.</summary>
public readonly record struct TemplatePartLocation(int MessageIndex, int PartIndex);
