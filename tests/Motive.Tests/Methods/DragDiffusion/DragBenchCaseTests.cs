using Motive.IO.Images;
using Motive.IO.Pickle;
using Motive.Methods.DragDiffusion;
using Motive.Tests.Support;
using Motive.ToyWorld;

namespace Motive.Tests.Methods.Drag;

/// <summary>
/// A DragBench case folder in the published layout (original_image.png, user_drag.png, meta_data.pkl written here by
/// our own pickle writer as pickle.dump writes the dict: prompt, points as (x, y) tuples, the mask a numpy uint8
/// array) is read back and runs end to end through `motive drag --case`.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class DragBenchCaseTests
{
    /// <summary>meta_data.pkl as DragBench's labeling tool pickles it (numpy arrays by _reconstruct + BUILD).</summary>
    internal static byte[] MetaData(string prompt, IReadOnlyList<(long X, long Y)> points, byte[] mask, int h, int w)
    {
        var p = new PickleWriter();
        p.EmptyDict().Mark();
        p.String("prompt").String(prompt);
        p.String("points").Op(0x5d).Mark();                                    // EMPTY_LIST, MARK
        foreach (var (x, y) in points) p.Int(x).Int(y).Op(0x86);               // TUPLE2
        p.Op(0x65);                                                            // APPENDS
        p.String("mask").Global("numpy.core.multiarray", "_reconstruct").Global("numpy", "ndarray").Int(0).Op(0x85)
            .Op(0x43).Op(1).Op((byte)'b').Op(0x87).Reduce();                      // (ndarray, (0,), b'b') REDUCE
        p.Mark().Int(1).Int(h).Int(w).Op(0x86).Global("numpy", "dtype").String("u1").False().Op(0x88).Op(0x87).Reduce()
            .Mark().Int(3).String("|").Op(0x4e).Op(0x4e).Op(0x4e).Int(-1).Int(-1).Int(0).Tuple().Op(0x62)   // dtype BUILD
            .False();
        p.Op(0x42).Raw(BitConverter.GetBytes(mask.Length)).Raw(mask);          // BINBYTES
        p.Tuple().Op(0x62);                                                    // array BUILD
        p.Op(0x75);                                                            // SETITEMS
        return p.Stop();
    }

    [Fact]
    public void PublishedLayout_IsReadAndRunsEndToEnd()
    {
        using var dir = new TempDir();
        var folder = dir.File("JH_2023-09-14-1820-16");
        Directory.CreateDirectory(folder);
        var c = ToyCase.Move(1);
        var drag = ToyDrag.Of(c);
        PngWriter.Write(Path.Combine(folder, DragBenchCase.ImageFile), c.Truth.SourceRender.ToRgb());
        PngWriter.Write(Path.Combine(folder, "user_drag.png"), c.Truth.SourceRender.ToRgb());
        var mask = c.Truth.Region.Select(r => r ? (byte)1 : (byte)0).ToArray();
        var points = new[] { ((long)drag.Drag.X1, (long)drag.Drag.Y1), ((long)drag.Drag.X2, (long)drag.Drag.Y2) };
        File.WriteAllBytes(Path.Combine(folder, DragBenchCase.MetaFile), MetaData(c.Caption, points, mask, c.Height, c.Width));

        var read = DragBenchCase.Read(folder);
        Assert.Equal(c.Caption, read.Prompt);
        Assert.Equal([new Motive.Models.Flow.DragPair(drag.Drag.X1, drag.Drag.Y1, drag.Drag.X2, drag.Drag.Y2)], read.Drags);
        Assert.Equal(mask.Count(m => m == 1), read.Mask!.sum().item<long>());

        var (code, o, e) = CliRunner.Run(new Dictionary<string, string> { ["MOTIVE_CACHE"] = dir.File("cache") },
            "drag", "--case", folder, "--lora-steps", "0", "--iterations", "10", "--out", dir.File("out"));
        Assert.True(code == 0, e);
        Assert.Contains("wrote", o);
        Assert.True(File.Exists(Path.Combine(dir.File("out"), "tracks.json")));
        // Scored as DragBench scores it: DIFT point matching, its feature source named.
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir.File("out"), "metrics.json")));
        double md = metrics.RootElement.GetProperty("dragbench_md_px").GetDouble();
        Assert.InRange(md, 0, Math.Sqrt(2) * 128);
        Assert.Contains("up_blocks.1", metrics.RootElement.GetProperty("dragbench_md_features").GetString());
        Assert.Contains("DragBench mean distance (DIFT)", o);
    }
}

/// <summary>A DragBench case whose meta_data.pkl is corrupt: one line naming the file, nothing written.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class DragBenchCaseRefusalTests
{
    [Fact]
    public void CorruptMetaData_IsOneLineNamingTheFile()
    {
        using var dir = new TempDir();
        var c = ToyCase.Move(1);
        PngWriter.Write(Path.Combine(dir.Path, DragBenchCase.ImageFile), c.Truth.SourceRender.ToRgb());
        File.WriteAllBytes(Path.Combine(dir.Path, DragBenchCase.MetaFile), [0x80, 4, 0x95, 1, 2]);
        var (code, _, e) = CliRunner.Run("drag", "--case", dir.Path, "--out", dir.File("out"));
        Assert.NotEqual(0, code);
        Assert.Contains(DragBenchCase.MetaFile, e);
        Assert.DoesNotContain("   at ", e);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
