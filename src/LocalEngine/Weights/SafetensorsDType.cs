using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>Mapping between safetensors dtype strings and TorchSharp scalar types.</summary>
public static class SafetensorsDType
{
    public static bool TryParse(string s, out ScalarType type, out int elementSize)
    {
        (type, elementSize) = s switch
        {
            "F32" => (ScalarType.Float32, 4),
            "BF16" => (ScalarType.BFloat16, 2),
            "F16" => (ScalarType.Float16, 2),
            "F64" => (ScalarType.Float64, 8),
            "I64" => (ScalarType.Int64, 8),
            "I32" => (ScalarType.Int32, 4),
            "I16" => (ScalarType.Int16, 2),
            "I8" => (ScalarType.Int8, 1),
            "U8" => (ScalarType.Byte, 1),
            "BOOL" => (ScalarType.Bool, 1),
            _ => ((ScalarType)(-1), 0),
        };
        return elementSize > 0;
    }

    public static string Name(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float16 => "F16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {t} cannot be stored in safetensors by this writer."),
    };
}
