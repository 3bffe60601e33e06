using System.Text.Json;
using Glm4vSK.Connector.Grounding;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

public sealed class GroundingAnnotationTests
{
    [Fact]
    public void A_response_is_annotated_and_the_annotation_survives_json()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "The cat is at <|begin_of_box|>[[100, 200, 300, 400]]<|end_of_box|>."));
        var result = GroundingAnnotation.Annotate(response, 1000, 500);
        var box = Assert.Single(result.Boxes);
        Assert.Equal((100, 100, 300, 200), ((int)box.Pixels.X1, (int)box.Pixels.Y1, (int)box.Pixels.X2, (int)box.Pixels.Y2));
        var annotation = Assert.IsType<GroundingAnnotation>(Assert.Single(response.Messages[0].Contents[0].Annotations!));

        string json = JsonSerializer.Serialize(response, Glm4vJson.Options);
        Assert.Contains("glm4vGrounding", json);
        var back = JsonSerializer.Deserialize<ChatResponse>(json, Glm4vJson.Options)!;
        var restored = Assert.IsType<GroundingAnnotation>(Assert.Single(back.Messages[0].Contents[0].Annotations!));
        Assert.Equal(annotation.Boxes[0].Pixels, restored.Boxes[0].Pixels);
        Assert.Equal(response.ParseGrounding(1000, 500).Boxes[0].Normalized, restored.Boxes[0].Normalized);
    }
}
