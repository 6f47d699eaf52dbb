using Motive.IO.Images;
using static TorchSharp.torch;

namespace Motive.Models.Flow;

/// <summary>
/// Arrow overlays: one arrow per grid cell from the cell centre p to p + flow(p), drawn in black on a white halo so
/// it reads on any background. Cells moving less than <c>minLength</c> px get no arrow, so a static background
/// stays clean.
/// </summary>
public static class FlowArrows
{
    /// <summary>Draws the arrows of <paramref name="flow"/> (2,H,W) onto a copy of <paramref name="image"/> (same size).</summary>
    public static RgbImage Draw(RgbImage image, Tensor flow, int spacing = 16, double minLength = 0.5)
    {
        if (spacing < 2) throw new ArgumentException($"arrow spacing must be at least 2 px, got {spacing}");
        using var f = flow.detach().to(float32).cpu().contiguous();
        int h = (int)f.shape[1], w = (int)f.shape[2];
        if (w != image.Width || h != image.Height) throw new ArgumentException($"flow is {w}x{h}, the image {image.Width}x{image.Height}");
        var u = f[0].data<float>().ToArray();
        var v = f[1].data<float>().ToArray();
        var canvas = new Canvas((byte[])image.Pixels.Clone(), w, h);
        var arrows = new List<(double X0, double Y0, double X1, double Y1)>();
        for (int y = spacing / 2; y < h; y += spacing)
            for (int x = spacing / 2; x < w; x += spacing)
            {
                double dx = u[y * w + x], dy = v[y * w + x];
                if (Math.Sqrt(dx * dx + dy * dy) >= minLength) arrows.Add((x, y, x + dx, y + dy));
            }
        // Halos first, then all shafts, so one arrow's halo never covers another's line.
        foreach (var a in arrows) Arrow(canvas, a, 255, thickness: 1);
        foreach (var a in arrows) Arrow(canvas, a, 0, thickness: 0);
        return new RgbImage(w, h, canvas.Pixels);
    }

    private static void Arrow(Canvas c, (double X0, double Y0, double X1, double Y1) a, byte shade, int thickness)
    {
        c.Line(a.X0, a.Y0, a.X1, a.Y1, shade, thickness);
        double len = Math.Sqrt((a.X1 - a.X0) * (a.X1 - a.X0) + (a.Y1 - a.Y0) * (a.Y1 - a.Y0));
        double head = Math.Min(5, 0.4 * len), angle = Math.Atan2(a.Y1 - a.Y0, a.X1 - a.X0);
        foreach (var side in new[] { -1, 1 })
        {
            double back = angle + Math.PI + side * Math.PI / 6;
            c.Line(a.X1, a.Y1, a.X1 + head * Math.Cos(back), a.Y1 + head * Math.Sin(back), shade, thickness);
        }
    }

    private readonly record struct Canvas(byte[] Pixels, int Width, int Height)
    {
        /// <summary>A line sampled at half-pixel steps; thickness 1 also paints the 8 neighbours (the halo).</summary>
        public void Line(double x0, double y0, double x1, double y1, byte shade, int thickness)
        {
            int n = (int)Math.Ceiling(2 * Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0))) + 1;
            for (int i = 0; i <= n; i++)
            {
                int x = (int)Math.Round(x0 + (x1 - x0) * i / n), y = (int)Math.Round(y0 + (y1 - y0) * i / n);
                for (int oy = -thickness; oy <= thickness; oy++)
                    for (int ox = -thickness; ox <= thickness; ox++) Set(x + ox, y + oy, shade);
            }
        }

        private void Set(int x, int y, byte shade)
        {
            if (x < 0 || y < 0 || x >= Width || y >= Height) return;
            int i = (y * Width + x) * 3;
            Pixels[i] = Pixels[i + 1] = Pixels[i + 2] = shade;
        }
    }
}
