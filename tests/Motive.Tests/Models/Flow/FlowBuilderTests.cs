using Motive.IO.Images;
using Motive.Models.Flow;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Flow;

[Trait(Tier.Category, Tier.Unit)]
public class FlowBuilderTests
{
    static (double X, double Y) Moved(torch.Tensor flow, int x, int y) =>
        (x + flow[0, y, x].item<float>(), y + flow[1, y, x].item<float>());

    [Fact]
    public void Rotation_SendsTheRegionsCornersWhereTheRotationDoes()
    {
        // Square region 20..39 rotated by 90° clockwise about its centre (29.5, 29.5).
        using var f = FlowFields.Restrict(FlowFields.Rotate(64, 64, 90, 29.5, 29.5), Regions.Rect(64, 64, 20, 20, 20, 20));
        var tl = Moved(f, 20, 20); // top-left → top-right under a clockwise quarter turn (y down)
        Assert.Equal(39, tl.X, 4);
        Assert.Equal(20, tl.Y, 4);
        var br = Moved(f, 39, 39);
        Assert.Equal(20, br.X, 4);
        Assert.Equal(39, br.Y, 4);
        Assert.Equal((0f, 0f), (f[0, 5, 5].item<float>(), f[1, 5, 5].item<float>())); // outside the region: still
        // 30° about an arbitrary centre: every point keeps its distance to the centre and turns by 30°.
        using var r = FlowFields.Rotate(40, 50, 30, 10, 7);
        var (mx, my) = Moved(r, 33, 21);
        double a0 = Math.Atan2(21 - 7, 33 - 10), a1 = Math.Atan2(my - 7, mx - 10);
        Assert.Equal(Math.Sqrt(23 * 23 + 14 * 14), Math.Sqrt((mx - 10) * (mx - 10) + (my - 7) * (my - 7)), 3);
        Assert.Equal(30, (a1 - a0) * 180 / Math.PI, 3);
    }

    [Fact]
    public void TranslateScaleStretch_MoveKnownPointsExactly()
    {
        using var t = FlowFields.Translate(10, 12, 3, -2);
        Assert.Equal((8.0, 3.0), Moved(t, 5, 5));
        using var s = FlowFields.Scale(40, 40, 1.5, 10, 10);
        Assert.Equal((25.0, 10.0), Moved(s, 20, 10));          // 10 px right of the centre → 15 px
        using var st = FlowFields.Stretch(40, 40, 2, 0, 10, 10); // stretch ×2 horizontally about x = 10
        var p = Moved(st, 15, 30);
        Assert.Equal(20, p.X, 5);
        Assert.Equal(30, p.Y, 5);                              // perpendicular component untouched
    }

    [Fact]
    public void Drag_MovesTheHandleToItsTarget_AndFadesAway()
    {
        using var d = FlowFields.Drag(64, 64, [(16, 16, 24, 20)], sigma: 4);
        var h = Moved(d, 16, 16);
        Assert.Equal(24, h.X, 4);
        Assert.Equal(20, h.Y, 4);
        Assert.True(Math.Abs(d[0, 50, 50].item<float>()) < 1e-6);
    }

    [Fact]
    public void Regions_RectEllipseAndClick()
    {
        using var r = Regions.Rect(10, 10, 2, 3, 4, 5);
        Assert.Equal(20, r.sum().item<long>());
        using var e = Regions.Ellipse(21, 21, 10, 10, 5, 5);
        Assert.True(e[10, 15].item<bool>());
        Assert.False(e[10, 16].item<bool>());
        // a red square on grey: the click inside finds exactly the square
        var px = new byte[32 * 32 * 3];
        for (int i = 0; i < 32 * 32; i++)
        {
            int x = i % 32, y = i / 32;
            bool red = x is >= 8 and < 20 && y is >= 10 and < 22;
            px[3 * i] = red ? (byte)220 : (byte)128;
            px[3 * i + 1] = red ? (byte)20 : (byte)128;
            px[3 * i + 2] = red ? (byte)30 : (byte)128;
        }
        using var click = Regions.AroundClick(new RgbImage(32, 32, px), 12, 15);
        Assert.Equal(144, click.sum().item<long>());
    }

    [Fact]
    public void EditMask_CoversSourceAndDestinationCells_WithMotionGuidancePolarity()
    {
        // a 16×16 square at (16,16) moved 24 px right on a 64×64 image: cells x 2..3 (from) and 5..6 (to), rows 2..3
        using var f = FlowFields.Restrict(FlowFields.Translate(64, 64, 24, 0), Regions.Rect(64, 64, 16, 16, 16, 16));
        using var region = EditMask.Region(f, margin: 0);
        Assert.Equal(new long[] { 8, 8 }, region.shape);
        var cells = Enumerable.Range(0, 64).Where(i => region[i / 8, i % 8].item<bool>()).Select(i => (i % 8, i / 8)).ToList();
        Assert.Equal([(2, 2), (3, 2), (5, 2), (6, 2), (2, 3), (3, 3), (5, 3), (6, 3)], cells);
        using var dilated = EditMask.Region(f, margin: 1);
        Assert.True(dilated.sum().item<long>() > region.sum().item<long>());
        using var mg = EditMask.ToMotionGuidanceMask(region);
        Assert.Equal(new long[] { 1, 4, 8, 8 }, mg.shape);
        Assert.False(mg[0, 3, 2, 2].item<bool>());  // edited cell: not kept
        Assert.True(mg[0, 0, 7, 7].item<bool>());   // far cell: kept
    }
}
