using Glm4vSK.LocalEngine;

namespace Glm4vSK.Connector.Tests.Support;

/// <summary>Assertions on what a <see cref="ScriptedBackend"/> request put in front of the model.</summary>
internal static class PromptAssert
{
    /// <summary>The image reached the model in <paramref name="request"/>: pixel rows, and image tokens after <c>&lt;|observation|&gt;</c>.</summary>
    public static void ImageInObservation(ScriptedBackend backend, int request)
    {
        var (ids, imageRows, _) = backend.Requests[request];
        Assert.True(imageRows > 0, $"request {request} has no image rows");
        int imageToken = Glm4vConfig.Load(backend.ModelDirectory).ImageTokenId;
        int observation = Array.IndexOf(ids, (long)backend.Processor.Tokenizer.TokenId("<|observation|>"));
        Assert.True(observation > 0, $"request {request} has no observation turn");
        Assert.Contains(ids.Skip(observation), id => id == imageToken);
    }

    /// <summary>The prompt text of <paramref name="request"/>, special tokens included.</summary>
    public static string Text(ScriptedBackend backend, int request) =>
        backend.Processor.Tokenizer.Decode(backend.Requests[request].Ids.Select(i => (int)i));
}
