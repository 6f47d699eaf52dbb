using Motive.IO.Pickle;
using Motive.IO.Tensors;

namespace Motive.IO.Checkpoints;

/// <summary>
/// Finds the weights in an unpickled checkpoint: the <c>state_dict</c> entry of a training checkpoint
/// (as <c>sd-v1-4.ckpt</c>), or the whole object when it is a bare state dict (as <c>raft-things.pth</c>).
/// Anything inside the weights that would have needed a call is refused here.
/// </summary>
public static class CheckpointTensors
{
    const int MaxDepth = 64;

    /// <summary>The dict holding the weights, and the scalar entries beside it (e.g. global_step).</summary>
    public static (List<TensorRef> Tensors, Dictionary<string, string> Info) Extract(TorchCheckpoint ck)
    {
        if (ck.Root is not PickleDict root) throw new CheckpointFormatException(ck.Path, $"holds a {Describe(ck.Root)}, not a dict of tensors");
        var info = new Dictionary<string, string>();
        var weights = root;
        if (root.TryGet("state_dict", out var sd))
        {
            weights = sd as PickleDict ?? throw new CheckpointFormatException(ck.Path, "its 'state_dict' entry is not a dict");
            foreach (var (k, v) in root.Items)
                if (k is string key && v is long or double or string or bool) info[key] = Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!;
        }
        var tensors = new List<TensorRef>();
        Flatten(ck.Path, weights, "", tensors, 0);
        return (tensors, info);
    }

    /// <summary>A file holding one tensor or numpy array (as flows and masks are saved).</summary>
    public static TensorRef Single(TorchCheckpoint ck)
    {
        var forbidden = FindForbidden(ck.Root, 0);
        if (forbidden is not null) throw Refused(ck.Path, "the saved object", forbidden);
        return ck.Root switch
        {
            TensorRef t => t,
            NumpyArrayState a => ToRef(ck.Path, a, "array"),
            _ => throw new CheckpointFormatException(ck.Path, $"holds a {Describe(ck.Root)}, not a single tensor"),
        };
    }

    private static void Flatten(string path, PickleDict dict, string prefix, List<TensorRef> into, int depth)
    {
        if (depth > MaxDepth) throw new CheckpointFormatException(path, "state dict nested too deeply");
        foreach (var (k, v) in dict.Items)
        {
            var name = prefix + (k as string ?? k.ToString());
            var forbidden = FindForbidden(v, 0);
            if (forbidden is not null) throw Refused(path, $"entry '{name}'", forbidden);
            switch (v)
            {
                case TensorRef t: into.Add(t.WithName(name)); break;
                case NumpyArrayState a: into.Add(ToRef(path, a, name)); break;
                case PickleDict d: Flatten(path, d, name + ".", into, depth + 1); break;
                // numbers, strings and None beside the tensors carry nothing to load
            }
        }
    }

    private static TensorRef ToRef(string path, NumpyArrayState a, string name)
    {
        try { return a.ToTensorRef(name); }
        catch (PickleException e) { throw new CheckpointFormatException(path, e.Message); }
    }

    /// <summary>The innermost call or unknown object inside <paramref name="o"/>, if any.</summary>
    private static object? FindForbidden(object? o, int depth)
    {
        if (depth > MaxDepth) return null;
        switch (o)
        {
            case PickleCall c: return FindForbidden(c.Callable, depth + 1) ?? FindForbidden(c.Args, depth + 1) ?? c;
            case PickleInstance i: return FindForbidden(i.Args, depth + 1) ?? i;
            case object?[] tuple: return tuple.Select(x => FindForbidden(x, depth + 1)).FirstOrDefault(x => x is not null);
            case List<object?> list: return list.Select(x => FindForbidden(x, depth + 1)).FirstOrDefault(x => x is not null);
            default: return null;
        }
    }

    private static CheckpointRefusedException Refused(string path, string where, object what)
    {
        var name = what switch
        {
            PickleCall { Callable: PickleGlobal g } => $"a call of {g.FullName}",
            PickleCall => "a call",
            PickleInstance i => $"an object of class {i.Type.FullName}",
            _ => "code",
        };
        return new CheckpointRefusedException(path, $"refused: {where} would need {name} to be run; Motive never runs code from a checkpoint");
    }

    private static string Describe(object? o) => o switch
    {
        null => "None",
        PickleCall c => $"call of {c.Callable}",
        PickleInstance i => $"{i.Type.FullName} object",
        List<object?> => "list",
        object?[] => "tuple",
        _ => o.GetType().Name,
    };
}
