using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>The activations named by <c>hidden_act</c> that GLM-4V checkpoints use.</summary>
internal static class ActivationFunctions
{
    public static void Validate(string name, ConfigJson j, string key)
    {
        if (name is not ("silu" or "swish" or "gelu" or "gelu_pytorch_tanh" or "relu"))
            throw j.Error(key, $"activation '{name}' is not supported (silu, gelu, gelu_pytorch_tanh, relu are).");
    }

    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "silu" or "swish" => nn.functional.silu(x),
        "gelu" => nn.functional.gelu(x),
        "gelu_pytorch_tanh" => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => nn.functional.relu(x),
        _ => throw new NotSupportedException(name),
    };
}
