using Motive.IO.Pickle;
using Motive.IO.Tensors;

namespace Motive.IO.Checkpoints;

/// <summary>
/// The only calls a checkpoint's pickle may have made for it: PyTorch's tensor and parameter rebuild
/// functions and numpy's array reconstruction, each reimplemented here over lazily read storages.
/// Every other call stays an inert <see cref="PickleCall"/>.
/// </summary>
internal sealed class TorchPickleResolver(Func<object?[], StorageRef> storageFor) : PickleReader.ICallResolver
{
    public object? PersistentLoad(object? pid)
    {
        if (pid is not object?[] { Length: >= 5 } t || t[0] is not "storage")
            throw new PickleException("unsupported persistent reference (not a tensor storage)");
        return storageFor(t);
    }

    public object? TryCall(PickleGlobal f, object?[] a)
    {
        switch (f.FullName)
        {
            case "torch._utils._rebuild_tensor_v2" when a.Length >= 4:
            case "torch._utils._rebuild_tensor" when a.Length == 4:
                return Rebuild(a[0], a[1], a[2], a[3]);
            case "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state" when a.Length >= 1:
                return a[0] as TensorRef;
            case "torch._tensor._rebuild_from_type_v2" when a.Length == 4 && a[0] is PickleGlobal inner && a[2] is object?[] innerArgs:
                return TryCall(inner, innerArgs);
            case "numpy.core.multiarray._reconstruct" or "numpy._core.multiarray._reconstruct":
                return new NumpyArrayState();
            case "numpy.dtype" when a.Length >= 1 && a[0] is string descr:
                return new NumpyDTypeState(descr);
            case "numpy.core.multiarray.scalar" or "numpy._core.multiarray.scalar" when a.Length == 2:
                return NumpyArrayState.Scalar(a[0], a[1]);
            default:
                return null;
        }
    }

    private static TensorRef? Rebuild(object? storage, object? offset, object? size, object? stride)
    {
        // Anything but plain numbers here (say, a call hidden in the arguments) leaves the call inert,
        // so the loader later reports it as refused.
        if (storage is not StorageRef s || offset is not long off || !TryLongs(size, out var sz) || !TryLongs(stride, out var st))
            return null;
        try
        {
            return new TensorRef("", s.DType, sz, s.View(off, sz, st));
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new PickleException(e.Message);
        }
    }

    internal static bool TryLongs(object? o, out long[] values)
    {
        values = [];
        if (o is not object?[] tuple) return false;
        values = new long[tuple.Length];
        for (int i = 0; i < tuple.Length; i++)
        {
            if (tuple[i] is not long v) return false;
            values[i] = v;
        }
        return true;
    }
}
