using Motive.IO.Tensors;
using TorchSharp;

namespace Motive.IO.Numpy;

/// <summary>Turns numpy's raw array bytes (C or Fortran order, either byte order) into a contiguous tensor.</summary>
public static class NpyLayout
{
    public static torch.Tensor ToTensor(byte[] raw, DType dtype, long[] shape, bool fortranOrder, bool bigEndian)
    {
        var bytes = raw;
        if (bigEndian)
        {
            bytes = (byte[])raw.Clone();
            RawTensor.SwapBytes(bytes, dtype.Size());
        }
        if (!fortranOrder || shape.Length < 2) return RawTensor.FromBytes(bytes, dtype, shape);
        // Fortran order is C order of the reversed shape; permute back and make it contiguous.
        var reversed = shape.Reverse().ToArray();
        using var t = RawTensor.FromBytes(bytes, dtype, reversed);
        using var p = t.permute(Enumerable.Range(0, shape.Length).Reverse().Select(i => (long)i).ToArray());
        return p.contiguous();
    }
}
