using TorchSharp;

namespace Motive.IO.Tensors;

/// <summary>Copies between little-endian byte buffers, as files store them, and CPU tensors.</summary>
public static class RawTensor
{
    /// <summary>A new contiguous CPU tensor holding <paramref name="bytes"/> (little-endian).</summary>
    public static torch.Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, long[] shape)
    {
        long expected = dtype.ByteSize(shape);
        if (expected != bytes.Length)
            throw new ArgumentException($"{bytes.Length} bytes do not hold a {dtype} tensor of shape [{string.Join(",", shape)}]");
        var t = torch.empty(shape, dtype.ToTorch());
        if (bytes.Length == 0) return t;
        var dst = t.bytes; // a view of the tensor's own memory on CPU
        bytes.CopyTo(dst);
        // A bool byte other than 0/1 is undefined behaviour for libtorch: normalise it.
        if (dtype == DType.BOOL)
            for (int i = 0; i < dst.Length; i++) dst[i] = dst[i] != 0 ? (byte)1 : (byte)0;
        return t;
    }

    /// <summary>The bytes of a tensor (any device), contiguous and little-endian.</summary>
    public static byte[] ToBytes(torch.Tensor tensor)
    {
        using var cpu = tensor.to(torch.CPU).contiguous();
        DTypes.FromTorch(cpu.dtype); // throws for element types no file format can hold
        return cpu.numel() == 0 ? [] : cpu.bytes.ToArray();
    }

    /// <summary>Reverses the byte order of every element (for big-endian checkpoints).</summary>
    public static void SwapBytes(Span<byte> data, int elementSize)
    {
        if (elementSize == 1) return;
        for (int i = 0; i + elementSize <= data.Length; i += elementSize) data.Slice(i, elementSize).Reverse();
    }
}
