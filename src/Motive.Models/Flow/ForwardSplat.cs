namespace Motive.Models.Flow;

/// <summary>
/// The naive forward warp: every source pixel with a non-zero flow is copied to its nearest target pixel; what
/// nothing lands on keeps the source. The baseline of the toy bench and the editor's instant preview: it shows
/// where a motion sends things in milliseconds, holes and overlaps included, with no model; <see cref="Holes"/> says
/// where the holes are (what warp-then-inpaint fills).
/// </summary>
public static class ForwardSplat
{
    /// <summary>
    /// Planar images (<paramref name="channels"/> × h × w, any element type) moved by <paramref name="flow"/>
    /// (2 × h × w: x then y displacement in pixels).
    /// </summary>
    public static T[] Planar<T>(T[] source, float[] flow, int channels, int width, int height)
    {
        int n = width * height;
        if (source.Length != channels * n) throw new ArgumentException($"the image holds {source.Length} values, not {channels}x{width}x{height}");
        var image = (T[])source.Clone();
        foreach (var (from, to) in Moves(flow, width, height))
            for (int ch = 0; ch < channels; ch++) image[ch * n + to] = source[ch * n + from];
        return image;
    }

    /// <summary>Interleaved RGB bytes (an RgbImage's pixels) moved by <paramref name="flow"/>.</summary>
    public static byte[] Interleaved(byte[] rgb, float[] flow, int width, int height)
    {
        if (rgb.Length != 3 * width * height) throw new ArgumentException($"the image holds {rgb.Length} bytes, not {width}x{height} RGB");
        var image = (byte[])rgb.Clone();
        foreach (var (from, to) in Moves(flow, width, height)) Array.Copy(rgb, 3 * from, image, 3 * to, 3);
        return image;
    }

    /// <summary>
    /// The warp's holes (row-major, true = hole): pixels that a moving pixel left and that nothing lands on. A pixel
    /// that does not move lands on itself, so only vacated pixels can be holes; there the warped picture still shows
    /// the source (what moved away), which no longer belongs there.
    /// </summary>
    public static bool[] Holes(float[] flow, int width, int height)
    {
        int n = width * height;
        if (flow.Length != 2 * n) throw new ArgumentException($"the flow holds {flow.Length} values, not 2x{width}x{height}");
        var landed = new bool[n];
        for (int i = 0; i < n; i++) landed[i] = flow[i] == 0 && flow[n + i] == 0;
        foreach (var (_, to) in Moves(flow, width, height)) landed[to] = true;
        return Array.ConvertAll(landed, l => !l);
    }

    /// <summary>
    /// Fills the gaps a nearest-pixel splat leaves inside what moved: a zoom spreads its pixels apart and a turn lands
    /// them unevenly, so target pixels between landed ones get nothing and show a hole or what stayed there (a zoom's
    /// background, which the enlarged object covers). Each cell of four neighbouring moving source pixels covers the
    /// quadrilateral their targets span; a pixel inside one that no moving pixel landed on gets the value of
    /// <paramref name="source"/> at the corner landing nearest it (into <paramref name="warped"/>, channels × h × w) and
    /// stops being one of <paramref name="holes"/>. Cells stretched beyond <see cref="MaxCellStretch"/> pixels are tears,
    /// not footprints, and a cell with a pixel that stays put borders what a move uncovers, so what a move leaves behind
    /// stays a hole. Returns how many pixels it filled.
    /// </summary>
    public static int FillFootprints(float[] source, float[] warped, bool[] holes, float[] flow, int channels, int width, int height)
    {
        int n = width * height;
        if (holes.Length != n || source.Length != channels * n || warped.Length != channels * n || flow.Length != 2 * n)
            throw new ArgumentException($"the pictures, holes and flow must be {channels}x{width}x{height}, {width}x{height} and 2x{width}x{height}");
        var landed = new bool[n];
        foreach (var (_, to) in Moves(flow, width, height)) landed[to] = true;
        var cx = new double[4];
        var cy = new double[4];
        var corner = new int[4];
        int filled = 0;
        for (int y = 0; y + 1 < height; y++)
            for (int x = 0; x + 1 < width; x++)
            {
                corner[0] = y * width + x; corner[1] = corner[0] + 1; corner[2] = corner[1] + width; corner[3] = corner[0] + width;
                bool moving = true;
                for (int k = 0; k < 4 && moving; k++)
                {
                    int i = corner[k];
                    moving = flow[i] != 0 || flow[n + i] != 0;
                    cx[k] = i % width + flow[i];
                    cy[k] = i / width + flow[n + i];
                }
                if (!moving) continue;
                double x0 = cx.Min(), x1 = cx.Max(), y0 = cy.Min(), y1 = cy.Max();
                if (x1 - x0 > MaxCellStretch || y1 - y0 > MaxCellStretch) continue;
                for (int ty = Math.Max(0, (int)Math.Ceiling(y0)); ty <= Math.Min(height - 1, (int)Math.Floor(y1)); ty++)
                    for (int tx = Math.Max(0, (int)Math.Ceiling(x0)); tx <= Math.Min(width - 1, (int)Math.Floor(x1)); tx++)
                    {
                        int t = ty * width + tx;
                        if (landed[t] || !(InTriangle(tx, ty, cx, cy, 0, 1, 2) || InTriangle(tx, ty, cx, cy, 0, 2, 3))) continue;
                        int nearest = 0;
                        for (int k = 1; k < 4; k++)
                            if (Sq(cx[k] - tx) + Sq(cy[k] - ty) < Sq(cx[nearest] - tx) + Sq(cy[nearest] - ty)) nearest = k;
                        for (int ch = 0; ch < channels; ch++) warped[ch * n + t] = source[ch * n + corner[nearest]];
                        landed[t] = true;
                        holes[t] = false;
                        filled++;
                    }
            }
        return filled;
    }

    /// <summary>The most a cell of four neighbouring pixels may spread (target extent in pixels, either axis) and still count as one surface: a 3× zoom.</summary>
    public const double MaxCellStretch = 3;

    private static double Sq(double v) => v * v;

    /// <summary>Whether (px, py) lies in the triangle of corners a, b, c (edges included), whichever way round it winds.</summary>
    private static bool InTriangle(double px, double py, double[] xs, double[] ys, int a, int b, int c)
    {
        const double edge = 1e-9;
        double Cross(int i, int j) => (xs[j] - xs[i]) * (py - ys[i]) - (ys[j] - ys[i]) * (px - xs[i]);
        double d1 = Cross(a, b), d2 = Cross(b, c), d3 = Cross(c, a);
        bool negative = d1 < -edge || d2 < -edge || d3 < -edge, positive = d1 > edge || d2 > edge || d3 > edge;
        return !(negative && positive);
    }

    /// <summary>Each moving pixel and the pixel it lands on (row-major indices), in source order; landings off the picture are dropped.</summary>
    private static IEnumerable<(int From, int To)> Moves(float[] flow, int width, int height)
    {
        int n = width * height;
        if (flow.Length != 2 * n) throw new ArgumentException($"the flow holds {flow.Length} values, not 2x{width}x{height}");
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                if (flow[i] == 0 && flow[n + i] == 0) continue;
                int tx = (int)Math.Round(x + flow[i]), ty = (int)Math.Round(y + flow[n + i]);
                if (tx < 0 || ty < 0 || tx >= width || ty >= height) continue;
                yield return (i, ty * width + tx);
            }
    }
}
