using System.IO.Compression;
using Motive.IO.Pickle;

namespace Motive.Tests.Support;

/// <summary>Builds torch.save-style zip files from hand-written pickles, to test what real tools never produce.</summary>
public static class CheckpointBuilder
{
    /// <summary>Pushes a float32 tensor of <paramref name="n"/> elements over storage <paramref name="key"/>.</summary>
    public static PickleWriter Tensor(this PickleWriter p, string key, long n) =>
        p.Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().String("storage").Global("torch", "FloatStorage").String(key).String("cpu").Int(n).Tuple().BinPersId()
            .Int(0).Ints([n]).Ints([1]).False()
            .Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce();

    /// <summary>Pushes the call os.system(command): what a malicious checkpoint would contain.</summary>
    public static PickleWriter OsSystem(this PickleWriter p, string command) =>
        p.Global("os", "system").Mark().String(command).Tuple().Reduce();

    public static void WriteZip(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]> storages)
    {
        using var fs = File.Create(path);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        void Entry(string name, byte[] data)
        {
            using var s = zip.CreateEntry("archive/" + name, CompressionLevel.NoCompression).Open();
            s.Write(data);
        }
        Entry("data.pkl", pickle);
        foreach (var (k, v) in storages) Entry("data/" + k, v);
        Entry("version", "3\n"u8.ToArray());
    }

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
