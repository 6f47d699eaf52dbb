using System.Diagnostics;
using System.Text;
using Motive.IO;
using Motive.IO.Safetensors;
using Motive.Tests.Support;

namespace Motive.Tests.IO;

/// <summary>Each rule of the safetensors format, broken on purpose, gives its own clear error.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class SafetensorsValidationTests
{
    static string Write(TempDir dir, string json, int dataBytes, ulong? claimedLength = null)
    {
        var path = dir.File("t.safetensors");
        var h = Encoding.UTF8.GetBytes(json);
        using var fs = File.Create(path);
        fs.Write(BitConverter.GetBytes(claimedLength ?? (ulong)h.Length));
        fs.Write(h);
        fs.Write(new byte[dataBytes]);
        return path;
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "overlap")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", 16, "needs 8 bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "data section holds 8")]
    [InlineData("""{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""", 1, "unsupported dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "invalid shape")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", 8, "invalid data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "twice")]
    [InlineData("""{"__metadata__":{"k":1}}""", 0, "not a string")]
    [InlineData("""{"a":""", 0, "not valid JSON")]
    [InlineData("""[1,2]""", 0, "not a JSON object")]
    public void BrokenHeaders_AreRejected(string json, int dataBytes, string problem)
    {
        using var dir = new TempDir();
        var path = Write(dir, json, dataBytes);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains(problem, e.Message);
        Assert.StartsWith(path + ": ", e.Message);
    }

    [Fact]
    public void HeaderLength_OverLimitOrPastTheEnd_IsRejectedBeforeAllocating()
    {
        using var dir = new TempDir();
        var huge = Write(dir, "{}", 0, claimedLength: 1UL << 40);
        Assert.Contains("exceeds", Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(huge)).Message);
        var past = Write(dir, "{}", 0, claimedLength: 1000);
        Assert.Contains("past the end", Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(past)).Message);
    }

    [Fact]
    public void MultiGigabyteFile_IsReadThroughTheMap_NotLoadedWhole()
    {
        // A sparse 3 GiB file: one tensor at the start, one beyond the 2 GiB mark. Reading the far tensor must
        // work (64-bit offsets) and must not pull the file into memory.
        using var dir = new TempDir();
        const long far = 3L << 30;
        var json = """{"head":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"tail":{"dtype":"F32","shape":[3],"data_offsets":["""
                   + $"{far},{far + 12}" + "]}}";
        var h = Encoding.UTF8.GetBytes(json);
        var path = dir.File("big.safetensors");
        using (var fs = File.Create(path))
        {
            fs.Write(BitConverter.GetBytes((ulong)h.Length));
            fs.Write(h);
            fs.Write(CheckpointBuilder.Floats(1, 2));
            fs.Position = 8 + h.Length + far;
            fs.Write(CheckpointBuilder.Floats(7, 8, 9));
        }
        long before = Process.GetCurrentProcess().WorkingSet64;
        using var f = SafetensorsFile.Open(path);
        using var tail = f.Tensors.Single(t => t.Name == "tail").Load();
        using var head = f.Tensors.Single(t => t.Name == "head").Load();
        long grown = Process.GetCurrentProcess().WorkingSet64 - before;
        Assert.Equal(new[] { 7f, 8f, 9f }, tail.data<float>().ToArray());
        Assert.Equal(new[] { 1f, 2f }, head.data<float>().ToArray());
        Assert.True(grown < 512L << 20, $"working set grew by {grown >> 20} MiB reading 20 bytes of a 3 GiB file");
    }
}

/// <summary>Tensors that share one storage, at offsets and with strides, as torch.save writes views.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class SharedStorageTests
{
    [Fact]
    public void ViewsIntoOneStorage_LoadWithTheirOffsetsAndStrides()
    {
        using var dir = new TempDir();
        // storage 0 = [0..11]; "m" = (3,4) from offset 0; "t" = its transpose (4,3) strides (1,4);
        // "row" = m[1] = offset 4, (4,); "col" = m[:,2] = offset 2, (3,) stride (4,)
        static Motive.IO.Pickle.PickleWriter View(Motive.IO.Pickle.PickleWriter p, long offset, long[] size, long[] stride) =>
            p.Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().String("storage").Global("torch", "FloatStorage").String("0").String("cpu").Int(12).Tuple().BinPersId()
                .Int(offset).Ints(size).Ints(stride).False()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce()
                .Tuple().Reduce();
        var p = new Motive.IO.Pickle.PickleWriter().EmptyDict();
        View(p.String("m"), 0, [3, 4], [4, 1]).SetItem();
        View(p.String("t"), 0, [4, 3], [1, 4]).SetItem();
        View(p.String("row"), 4, [4], [1]).SetItem();
        View(p.String("col"), 2, [3], [4]).SetItem();
        var path = dir.File("views.pth");
        CheckpointBuilder.WriteZip(path, p.Stop(), new Dictionary<string, byte[]> { ["0"] = CheckpointBuilder.Floats(Enumerable.Range(0, 12).Select(i => (float)i).ToArray()) });

        using var sd = Motive.IO.StateDicts.StateDict.Open(path);
        using var m = sd.Load("m");
        using var t = sd.Load("t");
        using var row = sd.Load("row");
        using var col = sd.Load("col");
        Assert.True(TensorAssert.BitEqual(m.t().contiguous(), t));
        Assert.Equal(new[] { 4f, 5f, 6f, 7f }, row.data<float>().ToArray());
        Assert.Equal(new[] { 2f, 6f, 10f }, col.data<float>().ToArray());
        Assert.Equal(11f, m[2, 3].item<float>());
    }
}
