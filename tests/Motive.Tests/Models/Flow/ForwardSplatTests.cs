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

    [Fact]
    public void CloseCracks_FillsATurnsOnePixelGaps_FromTheirNeighbours()
    {
        const int w = 32, h = 32;
        var flow = Turn(w, h, 15.5, 15.5, 12, 30);
        var image = new float[w * h];
        Array.Fill(image, 0.5f);
        var warped = ForwardSplat.Planar(image, flow, 1, w, h);
        var holes = ForwardSplat.Holes(flow, w, h);
        int inside = Enumerable.Range(0, w * h).Count(i => holes[i] && Math.Pow(i % w - 15.5, 2) + Math.Pow(i / w - 15.5, 2) < 9 * 9);
        Assert.True(inside > 0, "a 30° turn by nearest-pixel splatting should leave gaps inside the disc");
        int closed = ForwardSplat.CloseCracks(warped, holes, 1, w, h);
        Assert.True(closed >= inside, $"closed {closed} of the {inside} gaps inside");
        Assert.DoesNotContain(Enumerable.Range(0, w * h), i => holes[i] && Math.Pow(i % w - 15.5, 2) + Math.Pow(i / w - 15.5, 2) < 9 * 9);
        Assert.All(warped, v => Assert.Equal(0.5f, v));    // every crack took its neighbours' value
    }

    [Fact]
    public void CloseCracks_LeavesWhatAMoveUncovers()
    {
        const int w = 16, h = 12;
        var flow = Square(w, h, 4, 3, 5, 3, 0);
        var holes = ForwardSplat.Holes(flow, w, h);
        var before = (bool[])holes.Clone();
        var image = Enumerable.Range(0, w * h).Select(i => (float)i).ToArray();
        Assert.Equal(0, ForwardSplat.CloseCracks(ForwardSplat.Planar(image, flow, 1, w, h), holes, 1, w, h));
        Assert.Equal(before, holes);
    }
}
