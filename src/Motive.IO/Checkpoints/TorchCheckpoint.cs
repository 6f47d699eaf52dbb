using System.IO.Compression;
using Motive.IO.Pickle;
using Motive.IO.Tensors;

namespace Motive.IO.Checkpoints;

/// <summary>
/// A file written by <c>torch.save</c>: the zip format (PyTorch ≥ 1.6: <c>archive/data.pkl</c>,
/// <c>archive/data/N</c>, <c>archive/byteorder</c>) or the legacy format (magic number, protocol,
/// system info, the pickle, storage keys, raw storages). <see cref="Root"/> is the unpickled object:
/// dicts, lists, numbers, strings, <see cref="TensorRef"/>s and inert records of everything else.
/// </summary>
public sealed class TorchCheckpoint : IDisposable
{
    /// <summary>Pickles larger than this are refused; real ones are a few MB.</summary>
    const long MaxPickleBytes = 1L << 30;

    private readonly IDisposable? _owned;

    private TorchCheckpoint(string path, string format, object? root, IDisposable? owned)
    {
        Path = path;
        Format = format;
        Root = root;
        _owned = owned;
    }

    public string Path { get; }

    /// <summary>"zip" or "legacy".</summary>
    public string Format { get; }

    public object? Root { get; }

    public static bool SniffZip(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;

    public static bool SniffLegacy(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5;

    public static TorchCheckpoint Open(string path)
    {
        if (!File.Exists(path)) throw new CheckpointFormatException(path, "file not found");
        FileStream? fs = null;
        try
        {
            fs = File.OpenRead(path);
            Span<byte> head = stackalloc byte[4];
            int n = fs.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            fs.Position = 0;
            if (SniffZip(head[..n])) return OpenZip(path, fs);
            if (SniffLegacy(head[..n])) return OpenLegacy(path, fs);
            throw new CheckpointFormatException(path, "not a PyTorch checkpoint (neither a zip archive nor a pickle)");
        }
        catch (Exception e) when (e is PickleException or InvalidDataException or EndOfStreamException or IOException
                                      or FormatException or OverflowException)
        {
            fs?.Dispose();
            throw new CheckpointFormatException(path, e.Message, e);
        }
        catch
        {
            fs?.Dispose();
            throw;
        }
    }

    private static TorchCheckpoint OpenZip(string path, FileStream fs)
    {
        var zip = new ZipArchive(fs, ZipArchiveMode.Read, leaveOpen: false);
        try
        {
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
                      ?? throw new CheckpointFormatException(path, "zip archive has no data.pkl (not a torch.save file)");
            var prefix = pkl.FullName[..^"data.pkl".Length];
            var byteorder = zip.GetEntry(prefix + "byteorder") is { } bo ? ReadText(bo, 16) : "little";
            if (byteorder is not ("little" or "big")) throw new InvalidDataException($"unknown byteorder '{byteorder}'");
            var gate = new object();

            StorageRef StorageFor(object?[] pid)
            {
                var (dtype, key, numel) = ParseStoragePid(pid);
                var entry = zip.GetEntry($"{prefix}data/{key}") ?? throw new PickleException($"storage data/{key} is missing from the archive");
                long bytes = checked(numel * dtype.Size());
                if (entry.Length != bytes) throw new PickleException($"storage data/{key} holds {entry.Length} bytes, its {numel} {dtype} elements need {bytes}");
                if (bytes > int.MaxValue) throw new PickleException($"storage data/{key} is over 2 GiB; not supported");
                return new StorageRef(key, dtype, numel, byteorder == "big", () =>
                {
                    lock (gate) return ReadEntry(entry, (int)bytes);
                });
            }

            if (pkl.Length > MaxPickleBytes) throw new InvalidDataException($"data.pkl is {pkl.Length} bytes");
            var root = PickleReader.Load(ReadEntry(pkl, (int)pkl.Length), new TorchPickleResolver(StorageFor));
            return new TorchCheckpoint(path, "zip", root, zip);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    private static TorchCheckpoint OpenLegacy(string path, FileStream fs)
    {
        using var _ = fs;
        var magic = PickleReader.Load(fs);
        if (magic is not System.Numerics.BigInteger m || m != LegacyMagic)
            throw new InvalidDataException("pickle file without PyTorch's magic number (not a torch.save file)");
        if (PickleReader.Load(fs) is not 1001L) throw new InvalidDataException("unsupported legacy protocol version");
        var sysInfo = PickleReader.Load(fs) as PickleDict;
        bool bigEndian = sysInfo is not null && sysInfo.TryGet("little_endian", out var le) && le is false;

        // Storages follow the pickle, so their offsets are filled in once the key list has been read.
        var declared = new Dictionary<string, (DType DType, long Numel)>();
        var offsets = new Dictionary<string, long>();
        StorageRef StorageFor(object?[] pid)
        {
            var (dtype, key, numel) = ParseStoragePid(pid);
            if (pid.Length >= 6 && pid[5] is not null) throw new PickleException("legacy storage views are not supported");
            if (declared.TryGetValue(key, out var prev) && prev != (dtype, numel)) throw new PickleException($"storage {key} declared twice differently");
            declared[key] = (dtype, numel);
            long bytes = checked(numel * dtype.Size());
            if (bytes > int.MaxValue) throw new PickleException($"storage {key} is over 2 GiB; not supported");
            return new StorageRef(key, dtype, numel, bigEndian, () =>
            {
                using var f = File.OpenRead(path);
                f.Position = offsets[key];
                var data = new byte[bytes];
                f.ReadExactly(data);
                return data;
            });
        }

        var root = PickleReader.Load(fs, new TorchPickleResolver(StorageFor));
        if (PickleReader.Load(fs) is not List<object?> keys) throw new InvalidDataException("storage key list is missing");
        Span<byte> header = stackalloc byte[8];
        foreach (var k in keys)
        {
            if (k is not string key || !declared.TryGetValue(key, out var d)) throw new InvalidDataException($"storage key '{k}' is not used by the pickle");
            fs.ReadExactly(header);
            long numel = BitConverter.ToInt64(header);
            if (bigEndian) numel = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(numel);
            if (numel != d.Numel) throw new InvalidDataException($"storage {key} holds {numel} elements, the pickle declares {d.Numel}");
            long bytes = numel * d.DType.Size();
            if (bytes > fs.Length - fs.Position) throw new InvalidDataException($"storage {key} runs past the end of the file");
            offsets[key] = fs.Position;
            fs.Position += bytes;
        }
        var missing = declared.Keys.FirstOrDefault(k => !offsets.ContainsKey(k));
        if (missing is not null) throw new InvalidDataException($"storage {missing} has no data in the file");
        return new TorchCheckpoint(path, "legacy", root, null);
    }

    static readonly System.Numerics.BigInteger LegacyMagic = System.Numerics.BigInteger.Parse("119547037146038801333356");

    /// <summary>('storage', torch.FloatStorage, key, location, numel[, view]) → element type, key, count.</summary>
    private static (DType, string, long) ParseStoragePid(object?[] pid)
    {
        if (pid[1] is not PickleGlobal { Module: "torch" } type) throw new PickleException("storage type is not a torch storage class");
        var dtype = type.Name switch
        {
            "DoubleStorage" => DType.F64,
            "FloatStorage" => DType.F32,
            "HalfStorage" => DType.F16,
            "BFloat16Storage" => DType.BF16,
            "LongStorage" => DType.I64,
            "IntStorage" => DType.I32,
            "ShortStorage" => DType.I16,
            "CharStorage" => DType.I8,
            "ByteStorage" => DType.U8,
            "BoolStorage" => DType.BOOL,
            _ => throw new PickleException($"unsupported storage type torch.{type.Name}"),
        };
        if (pid[2] is not string key || key.Length == 0 || key.Length > 64 || key.Contains('/') || key.Contains(".."))
            throw new PickleException("invalid storage key");
        if (pid[4] is not long numel || numel < 0) throw new PickleException($"storage {key} has an invalid size");
        return (dtype, key, numel);
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, int length)
    {
        var data = new byte[length];
        using var s = entry.Open();
        s.ReadExactly(data);
        return data;
    }

    private static string ReadText(ZipArchiveEntry entry, int max)
    {
        if (entry.Length > max) throw new InvalidDataException($"{entry.FullName} is too long");
        return System.Text.Encoding.ASCII.GetString(ReadEntry(entry, (int)entry.Length)).Trim();
    }

    public void Dispose() => _owned?.Dispose();
}
