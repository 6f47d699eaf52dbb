using Motive.IO.Images;
using Motive.Models.Flow;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Flow;

[Trait(Tier.Category, Tier.Unit)]
public class FlowOpsTests
{
    [Fact]
    public void OcclusionMask_MatchesMotionGuidanceReference()
    {
        using var p = new Parity("motion_energy.safetensors");
        using var mask = FlowOps.OcclusionMask(p["target_flow"]);
        using var expected = p["mask_occ"];
        Assert.Equal(expected.shape, mask.shape);
        long differing = mask.ne(expected).sum().item<long>();
        Assert.Equal(0, differing);
        Assert.True(expected.eq(0).sum().item<long>() > 0, "the fixture mask masks something");
    }

    [Fact]
    public void Warp_ByAnIntegerTranslation_ShiftsPixelsExactly()
    {
        using var img = torch.rand([1, 3, 12, 16], generator: new torch.Generator(1));
        using var flow = torch.zeros(1, 2, 12, 16);
        flow[0, 0] = torch.tensor(3f);    // out(p) = img(p + (3, -2))
        flow[0, 1] = torch.tensor(-2f);
        using var out_ = FlowOps.Warp(img, flow);
        using var a = out_[.., .., torch.TensorIndex.Slice(2, 12), torch.TensorIndex.Slice(0, 13)];
        using var b = img[.., .., torch.TensorIndex.Slice(0, 10), torch.TensorIndex.Slice(3, 16)];
        Parity.Close(b, a, 1e-6, 1e-6, "translated warp");
    }

    [Fact]
    public void NearMotionEdge_IsTheBandAroundAMovedSquare()
    {
        // A 6×6 square moving (5, 0) inside a still 20×20 frame: the edge band of radius 2 is the pixels whose 5×5
        // window holds both moving and still pixels, i.e. Chebyshev distance ≤ 2 from the square's outline on either side.
        using var flow = torch.zeros(1, 2, 20, 20);
        flow[0, 0, torch.TensorIndex.Slice(7, 13), torch.TensorIndex.Slice(7, 13)] = torch.tensor(5f);
        using var near = FlowOps.NearMotionEdge(flow, 2);
        Assert.Equal(new long[] { 1, 20, 20 }, near.shape);
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 20; x++)
            {
                bool inside = y is >= 7 and < 13 && x is >= 7 and < 13;
                bool windowHasInside = Math.Max(7 - y, y - 12) <= 2 && Math.Max(7 - x, x - 12) <= 2;
                bool windowHasOutside = y - 2 < 7 || y + 2 > 12 || x - 2 < 7 || x + 2 > 12;
                Assert.True((windowHasInside && windowHasOutside) == near[0, y, x].item<bool>(), $"pixel ({x}, {y}), inside {inside}");
            }
        using var small = FlowOps.NearMotionEdge(flow * 0.08, 2);   // 0.4 px steps are not an edge at tolerance 0.5
        Assert.Equal(0, small.sum().item<long>());
    }

    [Fact]
    public void Epe_OfKnownDifferences()
    {
        using var a = torch.zeros(1, 2, 2, 2);
        using var b = torch.zeros(1, 2, 2, 2);
        b[0, 0, 0, 0] = torch.tensor(3f);
        b[0, 1, 0, 0] = torch.tensor(4f);
        var s = EpeStats.Of(a, b);
        Assert.Equal(1.25, s.Mean, 6);
        Assert.Equal(5, s.Max, 6);
        Assert.Equal(0.75, s.Within1px, 6);
    }

    [Fact]
    public void ColorWheel_FourDirections_HaveTheMiddleburyHues()
    {
        // One pixel per direction, all of magnitude 1 (the maximum): fully saturated colours.
        using var flow = torch.tensor(new float[] { 1, 0, -1, 0, 0, 1, 0, -1 }).reshape(2, 1, 4);
        var img = FlowColors.ToImage(flow);
        double Hue(int i)
        {
            double r = img.Pixels[i * 3] / 255.0, g = img.Pixels[i * 3 + 1] / 255.0, b = img.Pixels[i * 3 + 2] / 255.0;
            double max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), d = max - min;
            double h = max == r ? (g - b) / d % 6 : max == g ? (b - r) / d + 2 : (r - g) / d + 4;
            return (h * 60 + 360) % 360;
        }
        double right = Hue(0), down = Hue(1), left = Hue(2), up = Hue(3);
        Assert.True(right is > 345 or < 15, $"right hue {right}");
        Assert.InRange(down, 35, 65);     // yellow-orange
        Assert.InRange(left, 170, 200);   // cyan
        Assert.InRange(up, 230, 290);     // blue-violet
        // zero flow is white
        using var zero = torch.zeros(2, 1, 1);
        Assert.Equal(new byte[] { 255, 255, 255 }, FlowColors.ToImage(zero).Pixels);
    }
}
