namespace Motive.IO.Images;

/// <summary>Drawing on a copy of a picture: lines sampled at half-pixel steps, arrows, dots; off-picture pixels are skipped.</summary>
public sealed class Canvas(RgbImage image)
{
    private readonly byte[] pixels = (byte[])image.Pixels.Clone();
    private readonly int width = image.Width, height = image.Height;

    public RgbImage Image => new(width, height, (byte[])pixels.Clone());

    /// <summary>A line; <paramref name="thickness"/> 1 also paints the 8 neighbours (a halo when drawn under a thinner line).</summary>
    public void Line(double x0, double y0, double x1, double y1, (byte R, byte G, byte B) colour, int thickness = 0)
    {
        int n = (int)Math.Ceiling(2 * Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0))) + 1;
        for (int i = 0; i <= n; i++)
        {
            int x = (int)Math.Round(x0 + (x1 - x0) * i / n), y = (int)Math.Round(y0 + (y1 - y0) * i / n);
            for (int oy = -thickness; oy <= thickness; oy++)
                for (int ox = -thickness; ox <= thickness; ox++) Set(x + ox, y + oy, colour);
        }
    }

    /// <summary>A line from (x0, y0) to (x1, y1) with a head of two 30° strokes at the end.</summary>
    public void Arrow(double x0, double y0, double x1, double y1, (byte R, byte G, byte B) colour, int thickness = 0, double maxHead = 5)
    {
        Line(x0, y0, x1, y1, colour, thickness);
        double len = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        double head = Math.Min(maxHead, 0.4 * len), angle = Math.Atan2(y1 - y0, x1 - x0);
        foreach (var side in new[] { -1, 1 })
        {
            double back = angle + Math.PI + side * Math.PI / 6;
            Line(x1, y1, x1 + head * Math.Cos(back), y1 + head * Math.Sin(back), colour, thickness);
        }
    }

    /// <summary>A filled disc of radius <paramref name="r"/> px.</summary>
    public void Dot(double cx, double cy, double r, (byte R, byte G, byte B) colour)
    {
        for (int y = (int)Math.Floor(cy - r); y <= (int)Math.Ceiling(cy + r); y++)
            for (int x = (int)Math.Floor(cx - r); x <= (int)Math.Ceiling(cx + r); x++)
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) Set(x, y, colour);
    }

    private void Set(int x, int y, (byte R, byte G, byte B) c)
    {
        if (x < 0 || y < 0 || x >= width || y >= height) return;
        int i = (y * width + x) * 3;
        pixels[i] = c.R;
        pixels[i + 1] = c.G;
        pixels[i + 2] = c.B;
    }
}
