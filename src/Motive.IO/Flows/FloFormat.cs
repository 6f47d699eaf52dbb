using TorchSharp;

namespace Motive.IO.Flows;

/// <summary>Middlebury .flo: float 202021.25 ("PIEH"), int32 width, int32 height, then (u, v) float32 pairs row by row.</summary>
public static class FloFormat
{
    const float Magic = 202021.25f;
    const int MaxSide = 1 << 15;

    public static torch.Tensor Read(byte[] d)
    {
        if (d.Length < 12 || BitConverter.ToSingle(d, 0) != Magic) throw new FormatException("not a Middlebury .flo file (bad magic number)");
        int w = BitConverter.ToInt32(d, 4), h = BitConverter.ToInt32(d, 8);
        if (w <= 0 || h <= 0 || w > MaxSide || h > MaxSide) throw new FormatException($".flo size {w}x{h} is invalid");
        long expected = 12 + (long)w * h * 8;
        if (d.Length != expected) throw new FormatException($".flo of {w}x{h} needs {expected} bytes, the file has {d.Length}");
        using var hw2 = Tensors.RawTensor.FromBytes(d.AsSpan(12), Tensors.DType.F32, [h, w, 2]);
        return hw2.permute(2, 0, 1).contiguous();
    }

    public static byte[] Encode(torch.Tensor flow)
    {
        long h = flow.shape[1], w = flow.shape[2];
        using var hw2 = flow.permute(1, 2, 0).contiguous();
        var data = Tensors.RawTensor.ToBytes(hw2);
        var result = new byte[12 + data.Length];
        BitConverter.TryWriteBytes(result.AsSpan(0), Magic);
        BitConverter.TryWriteBytes(result.AsSpan(4), (int)w);
        BitConverter.TryWriteBytes(result.AsSpan(8), (int)h);
        data.CopyTo(result, 12);
        return result;
    }
}
