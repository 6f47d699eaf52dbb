namespace Motive.IO.Images;

/// <summary>Contact sheets: pictures shrunk to a common cell and laid out in rows.</summary>
public static class ImageGrid
{
    /// <summary>The picture scaled (nearest pixel, aspect kept) to fit a <paramref name="side"/>-px square.</summary>
    public static RgbImage Thumbnail(RgbImage image, int side)
    {
        double k = (double)side / Math.Max(image.Width, image.Height);
        int w = Math.Max(1, (int)Math.Round(image.Width * k)), h = Math.Max(1, (int)Math.Round(image.Height * k));
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int sx = Math.Min(image.Width - 1, (int)(x / k)), sy = Math.Min(image.Height - 1, (int)(y / k));
                Array.Copy(image.Pixels, (sy * image.Width + sx) * 3, px, (y * w + x) * 3, 3);
            }
        return new RgbImage(w, h, px);
    }

    /// <summary>Cells of <paramref name="side"/> px, <paramref name="columns"/> a row, left to right then top to bottom.</summary>
    public static RgbImage Sheet(IReadOnlyList<RgbImage> images, int side = 128, int columns = 6, int gap = 4, byte background = 255)
    {
        if (images.Count == 0) throw new ArgumentException("no pictures for a contact sheet");
        columns = Math.Min(columns, images.Count);
        int rows = (images.Count + columns - 1) / columns, width = columns * side + (columns - 1) * gap, height = rows * side + (rows - 1) * gap;
        var px = new byte[width * height * 3];
        Array.Fill(px, background);
        for (int i = 0; i < images.Count; i++)
        {
            var t = Thumbnail(images[i], side);
            int x0 = i % columns * (side + gap), y0 = i / columns * (side + gap);
            for (int y = 0; y < t.Height; y++) Array.Copy(t.Pixels, y * t.Width * 3, px, ((y0 + y) * width + x0) * 3, t.Width * 3);
        }
        return new RgbImage(width, height, px);
    }
}
