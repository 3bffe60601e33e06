using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Antialiased bicubic resize of uint8 images, as torchvision's <c>resize(uint8 tensor, BICUBIC, antialias=True)</c>
/// does on CPU: PyTorch's native uint8 kernel (Keys a = −0.5, int16 fixed-point weights, horizontal pass then vertical
/// pass, each rounded and clamped to uint8; Pillow's algorithm). TorchSharp reaches the same kernel through
/// <c>interpolate(bicubic, antialias: true)</c> on a uint8 tensor.
/// </summary>
public static class AntialiasedBicubic
{
    /// <summary>
    /// Resizes uint8 [C, H, W] or [N, C, H, W] to <paramref name="height"/> × <paramref name="width"/>; a new tensor (a
    /// copy when the size is unchanged). The caller owns the result.
    /// </summary>
    public static Tensor Resize(Tensor image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (image.dtype != ScalarType.Byte || image.dim() is not (3 or 4))
            throw new ArgumentException($"expected a uint8 [C, H, W] or [N, C, H, W] tensor, found {image.dtype} [{string.Join(", ", image.shape)}].", nameof(image));
        using var scope = NewDisposeScope();
        if (image.shape[^2] == height && image.shape[^1] == width)
            return image.clone().MoveToOuterDisposeScope();
        var batch = image.dim() == 3 ? image.unsqueeze(0) : image;
        var resized = F.interpolate(batch, size: [height, width], mode: InterpolationMode.Bicubic,
            align_corners: false, antialias: true);
        if (image.dim() == 3) resized = resized.squeeze(0);
        return resized.contiguous().MoveToOuterDisposeScope();
    }
}
