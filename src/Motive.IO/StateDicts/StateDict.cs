using System.Collections;
using Motive.IO.Checkpoints;
using Motive.IO.Safetensors;
using Motive.IO.Tensors;
using TorchSharp;

namespace Motive.IO.StateDicts;

/// <summary>
/// Name → tensor, the same whatever the file: a safetensors file, a zip or legacy <c>torch.save</c>
/// checkpoint (its <c>state_dict</c>, or the bare dict). Tensors are read when loaded, and can be
/// converted to a dtype and device on the way. Model loaders see only this.
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, TensorRef>, IDisposable
{
    private readonly Dictionary<string, TensorRef> _byName;
    private readonly IDisposable? _owned;

    public StateDict(string path, string format, IReadOnlyList<TensorRef> tensors,
        IReadOnlyDictionary<string, string> metadata, IDisposable? owned = null)
    {
        Path = path;
        Format = format;
        Tensors = tensors;
        Metadata = metadata;
        _owned = owned;
        _byName = new Dictionary<string, TensorRef>(tensors.Count);
        foreach (var t in tensors)
            if (!_byName.TryAdd(t.Name, t)) throw new MotiveFormatException(path, $"tensor '{t.Name}' appears twice");
    }

    public string Path { get; }

    /// <summary>"safetensors", "torch-zip" or "torch-legacy".</summary>
    public string Format { get; }

    /// <summary>Tensors in file order.</summary>
    public IReadOnlyList<TensorRef> Tensors { get; }

    /// <summary>safetensors <c>__metadata__</c>, or the scalar entries beside a checkpoint's state dict.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens any supported weight file, recognised by its first bytes, not its extension.</summary>
    public static StateDict Open(string path)
    {
        if (Directory.Exists(path)) throw new MotiveFormatException(path, "is a folder, not a weight file");
        if (!File.Exists(path)) throw new MotiveFormatException(path, "file not found");
        var kind = WeightFileKinds.Sniff(path);
        if (kind == WeightFileKind.Unknown)
        {
            // A damaged file still gets the error of the format its name promises.
            kind = System.IO.Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".safetensors" => WeightFileKind.Safetensors,
                ".ckpt" or ".pth" or ".pt" or ".bin" => WeightFileKind.TorchZip,
                _ => kind,
            };
        }
        switch (kind)
        {
            case WeightFileKind.Safetensors:
                var st = SafetensorsFile.Open(path);
                return new StateDict(path, "safetensors", st.Tensors, st.Metadata, st);
            case WeightFileKind.TorchZip or WeightFileKind.TorchLegacy:
                return FromCheckpoint(TorchCheckpoint.Open(path));
            default:
                throw new MotiveFormatException(path, "not a weight file (expected .safetensors, or a .ckpt/.pth/.bin written by torch.save)");
        }
    }

    /// <summary>The weights of an opened checkpoint; the state dict takes ownership of it (and disposes it on failure).</summary>
    public static StateDict FromCheckpoint(TorchCheckpoint ck)
    {
        try
        {
            var (tensors, info) = CheckpointTensors.Extract(ck);
            return new StateDict(ck.Path, ck.Format == "zip" ? "torch-zip" : "torch-legacy", tensors, info, ck);
        }
        catch
        {
            ck.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor; file damage found only now is reported as a format error of this file.</summary>
    public torch.Tensor Load(string name, torch.ScalarType? dtype = null, torch.Device? device = null)
    {
        if (!_byName.TryGetValue(name, out var t)) throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");
        try
        {
            return t.Load(dtype, device);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or FormatException)
        {
            var problem = $"tensor '{name}' cannot be read: {e.Message}";
            throw Format == "safetensors"
                ? new SafetensorsFormatException(Path, problem, e)
                : new CheckpointFormatException(Path, problem, e);
        }
    }

    public TensorRef this[string key] => _byName[key];
    public IEnumerable<string> Keys => Tensors.Select(t => t.Name);
    public IEnumerable<TensorRef> Values => Tensors;
    public int Count => Tensors.Count;
    public bool ContainsKey(string key) => _byName.ContainsKey(key);
    public bool TryGetValue(string key, out TensorRef value) => _byName.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, TensorRef>> GetEnumerator() =>
        Tensors.Select(t => KeyValuePair.Create(t.Name, t)).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => _owned?.Dispose();
}
