namespace Glm4vSK.Agents.Prompts;

/// <summary>Text shared by the GLM-4.5V prompts.</summary>
internal static class Glm45VText
{
    /// <summary>The role paragraph that opens every GLM-4.5V GUI prompt; it ends with the coordinate convention.</summary>
    public const string RolePreamble =
        "You are a GUI Agent. Your job is to serve the user's request or question accurately: besides answering " +
        "directly, you can operate the graphical interface step by step until the request is fulfilled or the correct " +
        "answer is found. Study the images and the request carefully, and think and reflect where it helps. " +
        "The coordinates involved are all represented in thousandths (0-999).";
}
