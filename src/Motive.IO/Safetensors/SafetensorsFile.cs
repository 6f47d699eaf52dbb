using System.IO.MemoryMappedFiles;
using Motive.IO.Tensors;
using TorchSharp;

namespace Motive.IO.Safetensors;

/// <summary>
/// Reads a safetensors file through a memory map: opening parses and validates the header only;
/// each tensor's bytes are copied out when it is loaded, so multi-GB files are never read whole.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly long _dataStart;
    private readonly object _gate = new();
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, long dataStart,
        List<SafetensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        Metadata = metadata;
        Tensors = entries.Select(e => new TensorRef(e.Name, e.DType, e.Shape, () => Read(e))).ToList();
    }

    public string Path { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyList<TensorRef> Tensors { get; }

    /// <summary>The tensor named <paramref name="name"/>; a file without it is a format error naming what it holds.</summary>
    public TensorRef Require(string name) =>
        Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new SafetensorsFormatException(Path, $"has no tensor named '{name}' (it holds: {string.Join(", ", Tensors.Take(5).Select(t => t.Name))}{(Tensors.Count > 5 ? ", ..." : "")})");

    /// <summary>True when the first bytes look like a safetensors header (length, then '{').</summary>
    public static bool Sniff(ReadOnlySpan<byte> head) =>
        head.Length >= 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head[..8]) is > 1 and <= SafetensorsHeader.MaxHeaderBytes;

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new SafetensorsFormatException(path, "file not found");
        long length = new FileInfo(path).Length;
        if (length < 8) throw new SafetensorsFormatException(path, $"file is {length} bytes, too short for a safetensors header");

        byte[] json;
        using (var fs = File.OpenRead(path))
        {
            Span<byte> lenBytes = stackalloc byte[8];
            fs.ReadExactly(lenBytes);
            ulong n = BitConverter.ToUInt64(lenBytes);
            if (n > SafetensorsHeader.MaxHeaderBytes)
                throw new SafetensorsFormatException(path, $"header length {n} exceeds the {SafetensorsHeader.MaxHeaderBytes}-byte limit");
            if ((long)n > length - 8)
                throw new SafetensorsFormatException(path, $"header length {n} runs past the end of the {length}-byte file");
            json = new byte[n];
            fs.ReadExactly(json);
        }
        long dataStart = 8 + json.Length;
        var (entries, metadata) = SafetensorsHeader.Parse(path, json, length - dataStart);
        if (length == dataStart) return new SafetensorsFile(path, null, null, dataStart, entries, metadata);

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        return new SafetensorsFile(path, map, view, dataStart, entries, metadata);
    }

    private torch.Tensor Read(SafetensorsEntry e)
    {
        long size = e.End - e.Begin;
        if (size > int.MaxValue) throw new SafetensorsFormatException(Path, $"tensor '{e.Name}' is over 2 GiB; not supported");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (size == 0) return torch.empty(e.Shape, e.DType.ToTorch());
            unsafe
            {
                byte* p = null;
                var handle = _view!.SafeMemoryMappedViewHandle;
                handle.AcquirePointer(ref p);
                try
                {
                    p += _view.PointerOffset + _dataStart + e.Begin;
                    return RawTensor.FromBytes(new ReadOnlySpan<byte>(p, (int)size), e.DType, e.Shape);
                }
                finally
                {
                    handle.ReleasePointer();
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _view?.Dispose();
            _map?.Dispose();
        }
    }
}
