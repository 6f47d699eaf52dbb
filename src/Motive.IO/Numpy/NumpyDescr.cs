using Motive.IO.Tensors;

namespace Motive.IO.Numpy;

/// <summary>numpy's type strings ('&lt;f4', '|b1', ...) to and from our element types.</summary>
public static class NumpyDescr
{
    /// <summary>Parses e.g. "&lt;f4"; <paramref name="bigEndian"/> is true for '&gt;'. Null when unsupported.</summary>
    public static DType? Parse(string descr, out bool bigEndian)
    {
        bigEndian = false;
        if (descr.Length < 2) return null;
        var order = descr[0];
        var code = descr;
        if (order is '<' or '>' or '|' or '=')
        {
            bigEndian = order == '>';
            code = descr[1..];
        }
        return code switch
        {
            "f8" => DType.F64,
            "f4" => DType.F32,
            "f2" => DType.F16,
            "i8" => DType.I64,
            "i4" => DType.I32,
            "i2" => DType.I16,
            "i1" => DType.I8,
            "u1" => DType.U8,
            "b1" => DType.BOOL,
            _ => null,
        };
    }

    public static string Format(DType d) => d switch
    {
        DType.F64 => "<f8",
        DType.F32 => "<f4",
        DType.F16 => "<f2",
        DType.I64 => "<i8",
        DType.I32 => "<i4",
        DType.I16 => "<i2",
        DType.I8 => "|i1",
        DType.U8 => "|u1",
        DType.BOOL => "|b1",
        _ => throw new NotSupportedException($"numpy has no {d}"),
    };
}
