using TorchSharp;

namespace Motive.IO.Tensors;

/// <summary>The element types stored in weight files. Names follow the safetensors format.</summary>
public enum DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL }

public static class DTypes
{
    public static int Size(this DType d) => d switch
    {
        DType.F64 or DType.I64 => 8,
        DType.F32 or DType.I32 => 4,
        DType.F16 or DType.BF16 or DType.I16 => 2,
        _ => 1,
    };

    public static bool IsFloatingPoint(this DType d) => d is DType.F64 or DType.F32 or DType.F16 or DType.BF16;

    public static torch.ScalarType ToTorch(this DType d) => d switch
    {
        DType.F64 => torch.ScalarType.Float64,
        DType.F32 => torch.ScalarType.Float32,
        DType.F16 => torch.ScalarType.Float16,
        DType.BF16 => torch.ScalarType.BFloat16,
        DType.I64 => torch.ScalarType.Int64,
        DType.I32 => torch.ScalarType.Int32,
        DType.I16 => torch.ScalarType.Int16,
        DType.I8 => torch.ScalarType.Int8,
        DType.U8 => torch.ScalarType.Byte,
        DType.BOOL => torch.ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    public static DType FromTorch(torch.ScalarType t) => t switch
    {
        torch.ScalarType.Float64 => DType.F64,
        torch.ScalarType.Float32 => DType.F32,
        torch.ScalarType.Float16 => DType.F16,
        torch.ScalarType.BFloat16 => DType.BF16,
        torch.ScalarType.Int64 => DType.I64,
        torch.ScalarType.Int32 => DType.I32,
        torch.ScalarType.Int16 => DType.I16,
        torch.ScalarType.Int8 => DType.I8,
        torch.ScalarType.Byte => DType.U8,
        torch.ScalarType.Bool => DType.BOOL,
        _ => throw new NotSupportedException($"tensors of type {t} cannot be stored"),
    };

    public static bool TryParse(string name, out DType d) =>
        Enum.TryParse(name, ignoreCase: false, out d) && Enum.IsDefined(d) && name == d.ToString();

    /// <summary>Bytes of a tensor of this type and shape, or -1 on overflow / negative dims.</summary>
    public static long ByteSize(this DType d, IReadOnlyList<long> shape)
    {
        long n = d.Size();
        foreach (var s in shape)
        {
            if (s < 0) return -1;
            if (s != 0 && n > long.MaxValue / s) return -1;
            n *= s;
        }
        return n;
    }
}
