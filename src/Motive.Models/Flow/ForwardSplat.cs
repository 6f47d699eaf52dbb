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
    /// Closes the cracks of a nearest-pixel splat: a turn or a zoom lands its pixels unevenly, leaving hole pixels one
    /// pixel thin inside what moved (both left and right neighbours landed, or both above and below). Each such pixel
    /// of <paramref name="holes"/> gets the mean of the landed pair(s) of <paramref name="planar"/> (channels × h × w, the
    /// warped picture) and stops being a hole; holes thicker than that (what a move uncovers) stay. One pass over the
    /// holes as given, so a crack is filled from landed pixels only. Returns how many pixels it closed.
    /// </summary>
    public static int CloseCracks(float[] planar, bool[] holes, int channels, int width, int height)
    {
        int n = width * height;
        if (holes.Length != n || planar.Length != channels * n) throw new ArgumentException($"the picture and holes must be {channels}x{width}x{height} and {width}x{height}");
        var original = (bool[])holes.Clone();
        bool Landed(int x, int y) => x >= 0 && y >= 0 && x < width && y < height && !original[y * width + x];
        int closed = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                if (!original[i]) continue;
                bool across = Landed(x - 1, y) && Landed(x + 1, y), down = Landed(x, y - 1) && Landed(x, y + 1);
                if (!across && !down) continue;
                for (int ch = 0; ch < channels; ch++)
                {
                    int c = ch * n;
                    float sum = 0;
                    int count = 0;
                    if (across) { sum += planar[c + i - 1] + planar[c + i + 1]; count += 2; }
                    if (down) { sum += planar[c + i - width] + planar[c + i + width]; count += 2; }
                    planar[c + i] = sum / count;
                }
                holes[i] = false;
                closed++;
            }
        return closed;
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
