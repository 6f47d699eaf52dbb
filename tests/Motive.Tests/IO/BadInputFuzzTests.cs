using Motive.IO;
using Motive.IO.Checkpoints;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.IO.Safetensors;
using Motive.IO.StateDicts;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.IO;

/// <summary>
/// Seeded mutation fuzzing of every reader: truncated, bit-flipped, overwritten and oversized inputs must end
/// in success or in the one exception type of that format, within a time bound — never a crash or a hang.
/// (1,450 cases in all; every case is reproducible from its seed.)
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class BadInputFuzzTests
{
    static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    /// <summary>MOTIVE_FUZZ_SCALE=N runs N times as many cases (for a longer hunt by hand).</summary>
    static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("MOTIVE_FUZZ_SCALE"), out var s) && s > 0 ? s : 1;

    [Fact]
    public void Safetensors_Mutations_EndInSafetensorsFormatException() =>
        Fuzz<SafetensorsFormatException>("x.safetensors", SafetensorsSeed(), 300, path =>
        {
            using var f = SafetensorsFile.Open(path);
            foreach (var t in f.Tensors) t.Load().Dispose();
        });

    [Fact]
    public void TorchZip_Mutations_EndInCheckpointFormatException() =>
        Fuzz<CheckpointFormatException>("x.pth", TorchZipSeed(), 300, LoadAll);

    [Fact]
    public void TorchLegacy_Mutations_EndInCheckpointFormatException() =>
        Fuzz<CheckpointFormatException>("x.pth", LegacyCheckpointBuilder.Build([("a", [1f, 2f, 3f]), ("b.c", [4f, 5f])]), 250, LoadAll);

    [Theory]
    [InlineData("png", 150)]
    [InlineData("jpg", 100)]
    [InlineData("bmp", 100)]
    public void Images_Mutations_EndInImageFormatException(string format, int cases) =>
        Fuzz<ImageFormatException>("x." + format, ImageSeed(format), cases, path => ImageReader.Read(path));

    [Theory]
    [InlineData(".flo", 120)]
    [InlineData(".npy", 130)]
    public void Flows_Mutations_EndInFlowFormatException(string ext, int cases) =>
        Fuzz<FlowFormatException>("x" + ext, FlowSeed(ext), cases, path => FlowFile.Read(path).Dispose());

    static void LoadAll(string path)
    {
        using var sd = StateDict.Open(path);
        foreach (var k in sd.Keys) sd.Load(k).Dispose();
    }

    static void Fuzz<TError>(string name, byte[] seed, int cases, Action<string> read) where TError : MotiveFormatException
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        File.WriteAllBytes(path, seed);
        read(path); // the unmutated seed must read cleanly
        int failures = 0;
        cases *= Scale;
        for (int i = 0; i < cases; i++)
        {
            var rng = new Random(i * 7919 + name.Length);
            var bytes = Mutate(seed, rng, out var how);
            File.WriteAllBytes(path, bytes);
            var task = Task.Run(() =>
            {
                try { read(path); return null; }
                catch (TError) { failures++; return null; }
                catch (Exception e) { return e; }
            });
            Assert.True(task.Wait(PerCase), $"case {i} ({how}) did not finish within {PerCase.TotalSeconds} s");
            if (task.Result is { } unexpected)
                Assert.Fail($"case {i} ({how}) threw {unexpected.GetType().Name} instead of {typeof(TError).Name}: {unexpected.Message}");
        }
        Assert.True(failures > cases / 10, $"only {failures} of {cases} mutations were detected: the fuzzer is not reaching the parser");
    }

    /// <summary>One random damage; half of them aimed at the first 256 bytes, where headers live.</summary>
    static byte[] Mutate(byte[] seed, Random rng, out string how)
    {
        var b = (byte[])seed.Clone();
        int Pos() => rng.Next(2) == 0 ? rng.Next(Math.Min(256, b.Length)) : rng.Next(b.Length);
        switch (rng.Next(5))
        {
            case 0:
                int len = rng.Next(b.Length);
                how = $"truncated to {len}";
                return b[..len];
            case 1:
                int flips = rng.Next(1, 9);
                how = $"{flips} bit flips";
                for (int k = 0; k < flips; k++) { int p = Pos(); b[p] ^= (byte)(1 << rng.Next(8)); }
                return b;
            case 2:
            {
                // an oversized length or count: 4 or 8 bytes of extreme values
                int p = Pos();
                byte[][] extremes = [[0xFF, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0x80], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]];
                var v = extremes[rng.Next(extremes.Length)];
                how = $"extreme value at {p}";
                for (int k = 0; k < v.Length && p + k < b.Length; k++) b[p + k] = v[k];
                return b;
            }
            case 3:
            {
                int p = Pos(), n = rng.Next(1, 17);
                how = $"{n} random bytes at {p}";
                for (int k = 0; k < n && p + k < b.Length; k++) b[p + k] = (byte)rng.Next(256);
                return b;
            }
            default:
            {
                int p = Pos(), n = rng.Next(1, 33);
                how = $"{n} bytes removed at {p}";
                int end = Math.Min(b.Length, p + n);
                return [.. b.AsSpan(0, p), .. b.AsSpan(end)];
            }
        }
    }

    static byte[] SafetensorsSeed()
    {
        var ms = new MemoryStream();
        SafetensorsWriter.WriteTo(ms,
        [
            ("a", Motive.IO.Tensors.DType.F32, [2, 3], new byte[24]),
            ("b", Motive.IO.Tensors.DType.F16, [4], new byte[8]),
            ("c", Motive.IO.Tensors.DType.I64, [1], new byte[8]),
            ("d", Motive.IO.Tensors.DType.BOOL, [3], [1, 0, 1]),
        ], new Dictionary<string, string> { ["format"] = "pt" });
        return ms.ToArray();
    }

    static byte[] TorchZipSeed()
    {
        using var dir = new TempDir();
        var path = dir.File("seed.pth");
        using var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var b = torch.ones(4, dtype: torch.float16);
        using var c = torch.tensor(new long[] { 7 });
        TorchSaveWriter.WriteStateDict(path, [new("a", a), new("b", b), new("c", c)]);
        return File.ReadAllBytes(path);
    }

    static byte[] ImageSeed(string format)
    {
        var px = Enumerable.Range(0, 8 * 6 * 3).Select(i => (byte)(i * 37)).ToArray();
        var ms = new MemoryStream();
        var w = new StbImageWriteSharp.ImageWriter();
        var rgb = StbImageWriteSharp.ColorComponents.RedGreenBlue;
        switch (format)
        {
            case "png": PngWriter.Encode(ms, new RgbImage(8, 6, px), new Dictionary<string, string> { ["k"] = "v" }); break;
            case "jpg": w.WriteJpg(px, 8, 6, rgb, ms, 90); break;
            default: w.WriteBmp(px, 8, 6, rgb, ms); break;
        }
        return ms.ToArray();
    }

    static byte[] FlowSeed(string ext)
    {
        using var dir = new TempDir();
        var path = dir.File("seed" + ext);
        using var flow = torch.arange(2 * 5 * 4, dtype: torch.float32).reshape(2, 5, 4);
        FlowFile.Write(path, flow);
        return File.ReadAllBytes(path);
    }
}
