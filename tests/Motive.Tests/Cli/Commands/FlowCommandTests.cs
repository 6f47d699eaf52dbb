using Motive.Cli;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Cli;

[Trait(Tier.Category, Tier.Unit)]
public class FlowCommandTests
{
    [Fact]
    public void FlowShow_DrawsTheShippedExample_MovingSquareInRed()
    {
        using var dir = new TempDir();
        var png = dir.File("flow.png");
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(0, CliApp.Run(["flow", "show", Path.Combine(Fixtures.RepoRoot, "examples", "square-right.pth"), "--out", png], o, e));
        var img = ImageReader.Read(png);
        Assert.Equal((64, 64), (img.Width, img.Height));
        byte[] Px(int x, int y) => img.Pixels.AsSpan((y * 64 + x) * 3, 3).ToArray();
        var inside = Px(30, 30);          // moving right at full magnitude: red
        Assert.True(inside[0] > 200 && inside[1] < 60, $"inside {string.Join(",", inside)}");
        Assert.Equal(new byte[] { 255, 255, 255 }, Px(2, 2));  // still: white
    }

    [Fact]
    public void FlowShow_OverAnImageOfAnotherSize_IsAOneLineError()
    {
        using var dir = new TempDir();
        var flow = dir.File("f.flo");
        using (var f = torch.zeros(2, 8, 8)) FlowFile.Write(flow, f);
        var img = dir.File("i.png");
        PngWriter.Write(img, new RgbImage(4, 4, new byte[48]));
        var e = new StringWriter();
        Assert.NotEqual(0, CliApp.Run(["flow", "show", flow, "--over", img, "--out", dir.File("o.png")], new StringWriter(), e));
        Assert.Single(e.ToString().Trim().Split('\n'));
        Assert.False(File.Exists(dir.File("o.png")));
    }
}

[Trait(Tier.Category, Tier.Unit)]
public class FlowMakeCommandTests
{
    [Fact]
    public void FlowMake_ReproducesTheShippedExample_ByteForByte_AndWritesTheEditMask()
    {
        using var dir = new TempDir();
        var flow = dir.File("square-right.pth");
        var mask = dir.File("mask.pth");
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(["flow", "make", "--size", "64x64", "--translate", "8,0", "--region", "24,24,16,16", "--out", flow,
            "--edit-mask", mask, "--margin", "0"], o, e);
        Assert.True(code == 0, e.ToString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(Fixtures.RepoRoot, "examples", "square-right.pth")), File.ReadAllBytes(flow));
        using var sd = Motive.IO.Checkpoints.TorchCheckpoint.Open(mask);
        using var m = Motive.IO.Checkpoints.CheckpointTensors.Single(sd).Load();
        Assert.Equal(new long[] { 1, 4, 8, 8 }, m.shape);
        Assert.Equal(torch.@bool, m.dtype);
        Assert.Equal(64 - 6, m[0, 0].sum().item<long>()); // square spans cells x 3..5 (from 3..4, to 4..5), rows 3..4
    }

    [Fact]
    public void FlowMake_WithNothingToMove_IsAUsageError()
    {
        var e = new StringWriter();
        Assert.Equal(CliApp.BadUsage, CliApp.Run(["flow", "make", "--size", "8x8", "--out", "/tmp/never.flo"], new StringWriter(), e));
        Assert.Contains("say what moves", e.ToString());
    }
}

[Trait(Tier.Category, Tier.Parity)]
public class FlowEstimateCommandTests
{
    [Fact]
    public void FlowEstimate_OnTheFixtureImages_MatchesTheReferenceFlow_AndPadsOddSizes()
    {
        using var dir = new TempDir();
        using var p = new Parity("raft_large_io.safetensors");
        string Save(string key)
        {
            var path = dir.File(key + ".safetensors");
            using var img = p[key] / 255;
            Motive.IO.Safetensors.SafetensorsWriter.Write(path, [new("image", img)]);
            return path;
        }
        var (a, b) = (Save("image1"), Save("image2"));
        var flo = dir.File("f.flo");
        var e = new StringWriter();
        Assert.True(CliApp.Run(["flow", "estimate", "--raft", Fixtures.Parity("raft_large_random_fp16.pth"), "--iters", "12", a, b, "--out", flo],
            new StringWriter(), e) == 0, e.ToString());
        using var flow = FlowFile.Read(flo);
        Parity.Close(p["flow_up_iters12"][0], flow, 1e-3, 1e-3, "motive flow estimate");

        // An odd size is padded (replicate) and cropped back.
        var png1 = dir.File("a.png");
        var png2 = dir.File("b.png");
        using (var x = p["image1"][.., .., ..125, ..157] / 255) PngWriter.Write(png1, ImageTensors.FromTensor01(x));
        using (var x = p["image2"][.., .., ..125, ..157] / 255) PngWriter.Write(png2, ImageTensors.FromTensor01(x));
        var npy = dir.File("odd.npy");
        Assert.Equal(0, CliApp.Run(["flow", "estimate", "--raft", Fixtures.Parity("raft_large_random_fp16.pth"), "--iters", "2", png1, png2, "--out", npy], new StringWriter(), new StringWriter()));
        using var odd = FlowFile.Read(npy);
        Assert.Equal(new long[] { 2, 125, 157 }, odd.shape);
    }
}
