using Motive.IO.Pickle;
using Motive.IO.Tensors;

namespace Motive.IO.Checkpoints;

/// <summary>
/// A plain pickle file (pickle.dump of dicts, lists, numbers, strings and numpy arrays, e.g. DragBench's
/// meta_data.pkl), read with the same safe interpreter as checkpoints: numpy arrays become <see cref="TensorRef"/>s,
/// every other call stays inert. Nothing in the file is executed.
/// </summary>
public static class NumpyPickle
{
    public static object? Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new MotiveFormatException(path, "cannot be read: " + e.Message); }
        var resolver = new TorchPickleResolver(_ => throw new PickleException("a plain pickle holds no tensor storages"));
        try
        {
            return Resolve(PickleReader.Load(bytes, resolver), "");
        }
        catch (PickleException e)
        {
            throw new MotiveFormatException(path, "is not a readable pickle: " + e.Message);
        }
    }

    private static object? Resolve(object? value, string name) => value switch
    {
        NumpyArrayState a => a.ToTensorRef(name),
        PickleDict d => d.Items.ToDictionary(kv => kv.Key, kv => Resolve(kv.Value, kv.Key.ToString() ?? "")),
        List<object?> l => l.Select(v => Resolve(v, name)).ToList(),
        object?[] t => t.Select(v => Resolve(v, name)).ToArray(),
        _ => value,
    };
}
