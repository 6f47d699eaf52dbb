using TorchSharp;

namespace Motive.IO.Tensors;

/// <summary>
/// A named tensor in a weight file: its type and shape are known at once, its data is read only when
/// <see cref="Load"/> is called, so multi-GB checkpoints can be opened and inspected cheaply.
/// </summary>
public sealed class TensorRef
{
    private readonly Func<torch.Tensor> _read;

    public TensorRef(string name, DType dtype, long[] shape, Func<torch.Tensor> read)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        _read = read;
    }

    public string Name { get; }
    public DType DType { get; }
    public long[] Shape { get; }
    public long NumElements => Shape.Aggregate(1L, (a, b) => a * b);
    public long ByteSize => DType.ByteSize(Shape);

    /// <summary>Reads the tensor (a new, contiguous CPU tensor), optionally converted and moved.</summary>
    public torch.Tensor Load(torch.ScalarType? dtype = null, torch.Device? device = null)
    {
        var t = _read();
        if ((dtype is null || t.dtype == dtype) && (device is null || device.type == DeviceType.CPU)) return t;
        using (t) return t.to(dtype ?? t.dtype, device ?? t.device);
    }

    /// <summary>The same data under another name (used when a loader renames keys).</summary>
    public TensorRef WithName(string name) => new(name, DType, Shape, _read);

    public override string ToString() => $"{Name} {DType} [{string.Join(", ", Shape)}]";
}
