using Motive.Models.Flow;
using Motive.Tests.Support;

namespace Motive.Tests.Models;

/// <summary>The forward warp's holes: the pixels a motion vacates that nothing lands on.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class ForwardSplatTests
{
    /// <summary>A w×h flow moving the pixels of the rectangle [x0, x0+size)² by (dx, dy).</summary>
    private static float[] Square(int w, int h, int x0, int y0, int size, float dx, float dy)
    {
        var flow = new float[2 * w * h];
        for (int y = y0; y < y0 + size; y++)
            for (int x = x0; x < x0 + size; x++)
            {
                flow[y * w + x] = dx;
                flow[w * h + y * w + x] = dy;
            }
        return flow;
    }

    [Fact]
    public void Holes_AreTheVacatedStrip_OfASquareMovedRight()
    {
        const int w = 16, h = 12;
        var holes = ForwardSplat.Holes(Square(w, h, 4, 3, 5, 3, 0), w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                Assert.True(holes[y * w + x] == (y is >= 3 and < 8 && x is >= 4 and < 7), $"pixel ({x}, {y})");
    }

    [Fact]
    public void Holes_NoneWhenNothingMoves_AndEveryMovedPixelWhenAllLandOutside()
    {
        Assert.DoesNotContain(true, ForwardSplat.Holes(new float[2 * 8 * 8], 8, 8));
        var holes = ForwardSplat.Holes(Square(8, 8, 2, 2, 3, 20, 0), 8, 8);  // sent off the picture
        Assert.Equal(9, holes.Count(b => b));
    }

    [Fact]
    public void Holes_AndTheWarp_Agree_OnWhatLandsWhere()
    {
        // Where the warp changed a pixel something landed there, so it is no hole; a hole keeps the source.
        const int w = 16, h = 12;
        var flow = Square(w, h, 4, 3, 5, 2, 1);
        var image = Enumerable.Range(0, w * h).Select(i => (float)i).ToArray();
        var warped = ForwardSplat.Planar(image, flow, 1, w, h);
        var holes = ForwardSplat.Holes(flow, w, h);
        for (int i = 0; i < w * h; i++)
            if (warped[i] != image[i]) Assert.False(holes[i]);
        Assert.Equal(5 + 4 * 2, holes.Count(b => b));            // an L: the top row (5) and the left two columns below it (4 × 2)
    }

    [Fact]
    public void Holes_RefuseAFlowOfAnotherSize()
    {
        Assert.Contains("2x8x8", Assert.Throws<ArgumentException>(() => ForwardSplat.Holes(new float[10], 8, 8)).Message);
    }

    /// <summary>A w×h flow turning the disc of radius r about (cx, cy) by <paramref name="degrees"/>.</summary>
    private static float[] Turn(int w, int h, double cx, double cy, double r, double degrees)
    {
        var flow = new float[2 * w * h];
        double c = Math.Cos(degrees * Math.PI / 180), s = Math.Sin(degrees * Math.PI / 180);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double dx = x - cx, dy = y - cy;
                if (dx * dx + dy * dy > r * r) continue;
                flow[y * w + x] = (float)(c * dx - s * dy - dx);
                flow[w * h + y * w + x] = (float)(s * dx + c * dy - dy);
            }
        return flow;
    }

    /// <summary>A w×h flow scaling the disc of radius r about (cx, cy) by <paramref name="factor"/>.</summary>
    private static float[] Zoom(int w, int h, double cx, double cy, double r, double factor)
    {
        var flow = new float[2 * w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double dx = x - cx, dy = y - cy;
                if (dx * dx + dy * dy > r * r) continue;
                flow[y * w + x] = (float)((factor - 1) * dx);
                flow[w * h + y * w + x] = (float)((factor - 1) * dy);
            }
        return flow;
    }

    private static bool Within(int i, int w, double cx, double cy, double r) => Math.Pow(i % w - cx, 2) + Math.Pow(i / w - cy, 2) < r * r;

    [Theory]
    [InlineData("turn 30°")]
    [InlineData("zoom ×1.5")]
    [InlineData("zoom ×2")]
    public void FillFootprints_FillsTheGapsInsideWhatMoved_FromTheSourceUnderThem(string motion)
    {
        const int w = 40, h = 40;
        double c = 19.5;
        var flow = motion switch
        {
            "turn 30°" => Turn(w, h, c, c, 12, 30),
            "zoom ×1.5" => Zoom(w, h, c, c, 10, 1.5),
            _ => Zoom(w, h, c, c, 8, 2),
        };
        double inner = motion == "turn 30°" ? 9 : motion == "zoom ×1.5" ? 13 : 14;      // well inside where the disc lands
        // The picture: the disc's pixels hold their column, the rest -1, so a filled gap shows where its value came from.
        var image = Enumerable.Range(0, w * h).Select(i => Within(i, w, c, c, motion == "zoom ×2" ? 8 : motion == "turn 30°" ? 12 : 10) ? i % w : -1f).ToArray();
        var warped = ForwardSplat.Planar(image, flow, 1, w, h);
        var holes = ForwardSplat.Holes(flow, w, h);
        int gaps = Enumerable.Range(0, w * h).Count(i => holes[i] && Within(i, w, c, c, inner));
        Assert.True(gaps > 0, $"a {motion} by nearest-pixel splatting should leave gaps inside the disc");
        int filled = ForwardSplat.FillFootprints(image, warped, holes, flow, 1, w, h);
        Assert.True(filled >= gaps, $"filled {filled} of the {gaps} gaps inside");
        Assert.DoesNotContain(Enumerable.Range(0, w * h), i => holes[i] && Within(i, w, c, c, inner));
        foreach (int i in Enumerable.Range(0, w * h).Where(i => Within(i, w, c, c, inner)))
        {
            Assert.NotEqual(-1f, warped[i]);                           // the disc, never the background
            if (motion.StartsWith("zoom"))                              // a zoom about the centre: column x came from about c + (x − c) / factor
            {
                double factor = motion == "zoom ×2" ? 2 : 1.5, from = c + (i % w - c) / factor;
                Assert.True(Math.Abs(warped[i] - from) <= 1, $"pixel ({i % w}, {i / w}) shows column {warped[i]}, not about {from:0.0}");
            }
        }
    }

    [Fact]
    public void FillFootprints_LeavesWhatAMoveUncovers()
    {
        const int w = 16, h = 12;
        var flow = Square(w, h, 4, 3, 5, 3, 0);
        var holes = ForwardSplat.Holes(flow, w, h);
        var before = (bool[])holes.Clone();
        var image = Enumerable.Range(0, w * h).Select(i => (float)i).ToArray();
        var warped = ForwardSplat.Planar(image, flow, 1, w, h);
        var expected = (float[])warped.Clone();
        Assert.Equal(0, ForwardSplat.FillFootprints(image, warped, holes, flow, 1, w, h));
        Assert.Equal(before, holes);
        Assert.Equal(expected, warped);
    }

    [Fact]
    public void FillFootprints_LeavesATear_WhereNeighboursPartFartherThanACellMayStretch()
    {
        // The left half of a square moves 2 px left, the right half 6 px right: what they vacate between them (x 13–19) is a tear.
        const int w = 32, h = 12;
        var flow = new float[2 * w * h];
        for (int y = 3; y < 8; y++)
            for (int x = 10; x < 20; x++) flow[y * w + x] = x < 15 ? -2 : 6;
        var holes = ForwardSplat.Holes(flow, w, h);
        var image = Enumerable.Range(0, w * h).Select(i => (float)i).ToArray();
        var warped = ForwardSplat.Planar(image, flow, 1, w, h);
        ForwardSplat.FillFootprints(image, warped, holes, flow, 1, w, h);
        for (int y = 3; y < 8; y++)
            for (int x = 13; x < 20; x++) Assert.True(holes[y * w + x], $"pixel ({x}, {y}) of the tear was filled");
    }
}
