using System.IO.Compression;
using System.Text;
using Motive.IO.Pickle;
using Motive.IO.Tensors;
using TorchSharp;

namespace Motive.IO.Checkpoints;

/// <summary>
/// Writes what <c>torch.save</c> writes (zip format): one tensor, or a flat dict of named tensors,
/// each with a storage of its own. This is how Motion Guidance example folders store flows, masks and latents.
/// </summary>
public static class TorchSaveWriter
{
    public static void WriteTensor(string path, torch.Tensor tensor) => Write(path, null, [KeyValuePair.Create("", tensor)]);

    public static void WriteStateDict(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors) =>
        Write(path, "dict", tensors.ToList());

    private static void Write(string path, string? kind, IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors)
    {
        var p = new PickleWriter();
        if (kind is not null) p.Global("collections", "OrderedDict").EmptyTuple().Reduce();
        var storages = new List<byte[]>();
        foreach (var (name, t) in tensors)
        {
            if (kind is not null) p.String(name);
            var dtype = DTypes.FromTorch(t.dtype);
            var shape = t.shape;
            var strides = new long[shape.Length];
            for (long i = shape.Length - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
            string key = storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            storages.Add(RawTensor.ToBytes(t));
            p.Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().String("storage").Global("torch", StorageName(dtype)).String(key).String("cpu")
                .Int(shape.Aggregate(1L, (a, b) => a * b)).Tuple().BinPersId()
                .Int(0).Ints(shape).Ints(strides).False()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce()
                .Tuple().Reduce();
            if (kind is not null) p.SetItem();
        }
        var pickle = p.Stop();
        var archive = Path.GetFileNameWithoutExtension(path) is { Length: > 0 } n ? n : "archive";
        AtomicFile.Write(path, s =>
        {
            using var zip = new ZipArchive(s, ZipArchiveMode.Create, leaveOpen: true);
            void Entry(string name, byte[] data)
            {
                var e = zip.CreateEntry($"{archive}/{name}", CompressionLevel.NoCompression);
                e.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero); // same tensors → same bytes
                using var es = e.Open();
                es.Write(data);
            }
            Entry("data.pkl", pickle);
            Entry("byteorder", Encoding.ASCII.GetBytes("little"));
            for (int i = 0; i < storages.Count; i++) Entry($"data/{i}", storages[i]);
            Entry("version", Encoding.ASCII.GetBytes("3\n"));
        });
    }

    private static string StorageName(DType d) => d switch
    {
        DType.F64 => "DoubleStorage",
        DType.F32 => "FloatStorage",
        DType.F16 => "HalfStorage",
        DType.BF16 => "BFloat16Storage",
        DType.I64 => "LongStorage",
        DType.I32 => "IntStorage",
        DType.I16 => "ShortStorage",
        DType.I8 => "CharStorage",
        DType.U8 => "ByteStorage",
        DType.BOOL => "BoolStorage",
        _ => throw new NotSupportedException(d.ToString()),
    };
}
