using Motive.IO.Numpy;
using Motive.IO.Pickle;
using Motive.IO.Tensors;

namespace Motive.IO.Checkpoints;

/// <summary>numpy.dtype as pickled: REDUCE(numpy.dtype, (descr, ...)) then BUILD(state with the byte order).</summary>
internal sealed class NumpyDTypeState(string descr) : IPickleBuildable
{
    public string Descr { get; } = descr;
    public char ByteOrder { get; private set; } = '<';

    public void SetState(object? state)
    {
        if (state is object?[] { Length: >= 2 } t && t[1] is string { Length: 1 } o) ByteOrder = o[0];
    }

    public DType? Resolve(out bool bigEndian)
    {
        var d = NumpyDescr.Parse(ByteOrder + Descr.TrimStart('<', '>', '|', '='), out bigEndian);
        return d;
    }
}

/// <summary>
/// A numpy array as pickled (torch.save of a numpy array, as the Motion Guidance GUI does):
/// REDUCE(_reconstruct, (ndarray, (0,), b'b')) then BUILD((version, shape, dtype, is_fortran, raw bytes)).
/// </summary>
internal sealed class NumpyArrayState : IPickleBuildable
{
    private object? _state;

    public void SetState(object? state) => _state = state;

    /// <summary>The array as a tensor reference, or an error text.</summary>
    public TensorRef ToTensorRef(string name)
    {
        if (_state is not object?[] { Length: 5 } s || !TorchPickleResolver.TryLongs(s[1], out var shape) ||
            s[2] is not NumpyDTypeState dt || s[3] is not bool fortran || s[4] is not byte[] raw)
            throw new PickleException($"numpy array '{name}' has an unsupported pickled state");
        var dtype = dt.Resolve(out bool bigEndian) ?? throw new PickleException($"numpy array '{name}' has unsupported dtype '{dt.Descr}'");
        long size = dtype.ByteSize(shape);
        if (size != raw.Length) throw new PickleException($"numpy array '{name}' holds {raw.Length} bytes, its shape needs {size}");
        return new TensorRef(name, dtype, shape, () => NpyLayout.ToTensor(raw, dtype, shape, fortran, bigEndian));
    }

    /// <summary>numpy scalars (e.g. a saved metric) become plain numbers.</summary>
    public static object? Scalar(object? dtype, object? data)
    {
        if (dtype is not NumpyDTypeState dt || data is not byte[] raw) return null;
        var d = dt.Resolve(out bool be);
        if (d is null || raw.Length != d.Value.Size() || be) return null;
        return d.Value switch
        {
            DType.F64 => BitConverter.ToDouble(raw),
            DType.F32 => (double)BitConverter.ToSingle(raw),
            DType.I64 => BitConverter.ToInt64(raw),
            DType.I32 => (long)BitConverter.ToInt32(raw),
            _ => null,
        };
    }
}
