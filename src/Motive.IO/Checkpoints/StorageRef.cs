using Motive.IO.Tensors;
using TorchSharp;

namespace Motive.IO.Checkpoints;

/// <summary>
/// A typed storage of a checkpoint (`data/N` in the zip format, a raw block in the legacy format):
/// element type, element count, and a way to read its bytes when a tensor over it is loaded.
/// </summary>
public sealed class StorageRef(string key, DType dtype, long numElements, bool bigEndian, Func<byte[]> read)
{
    public string Key { get; } = key;
    public DType DType { get; } = dtype;
    public long NumElements { get; } = numElements;

    /// <summary>
    /// Builds the loader of the tensor `storage[offset]` viewed with <paramref name="size"/> and
    /// <paramref name="stride"/> (elements), after checking that the view stays inside the storage.
    /// </summary>
    public Func<torch.Tensor> View(long offset, long[] size, long[] stride)
    {
        if (size.Length != stride.Length) throw new FormatException("size and stride have different lengths");
        if (offset < 0 || size.Any(s => s < 0) || stride.Any(s => s < 0)) throw new FormatException("negative size, stride or offset");
        long numel = 1;
        long last = offset;
        checked
        {
            foreach (var s in size) numel *= s;
            for (int i = 0; i < size.Length; i++) if (size[i] > 0) last += (size[i] - 1) * stride[i];
        }
        if (numel > 0 && last >= NumElements)
            throw new FormatException($"tensor view reaches element {last} of storage '{Key}', which holds {NumElements}");

        bool contiguous = IsContiguous(size, stride);
        return () =>
        {
            var bytes = read();
            int es = DType.Size();
            if (bigEndian) RawTensor.SwapBytes(bytes, es);
            if (contiguous || numel == 0)
                return RawTensor.FromBytes(bytes.AsSpan((int)(offset * es), (int)(numel * es)), DType, size);
            using var all = RawTensor.FromBytes(bytes, DType, [NumElements]);
            using var view = all.as_strided(size, stride, offset);
            var result = torch.empty(size, DType.ToTorch());
            result.copy_(view);
            return result;
        };
    }

    static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (int i = size.Length - 1; i >= 0; i--)
        {
            if (size[i] != 1 && stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }
}
