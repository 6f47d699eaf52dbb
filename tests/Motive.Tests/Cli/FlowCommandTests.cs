using Motive.Cli;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Cli;

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
