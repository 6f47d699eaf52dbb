namespace Motive.IO.Images;

/// <summary>Pictures side by side on one row (tops aligned, a gap of background between them).</summary>
public static class ImageStrip
{
    public static RgbImage Join(IReadOnlyList<RgbImage> images, int gap = 4, byte background = 255)
    {
        if (images.Count == 0) throw new ArgumentException("nothing to join");
        int width = images.Sum(i => i.Width) + gap * (images.Count - 1), height = images.Max(i => i.Height);
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, background);
        int x0 = 0;
        foreach (var image in images)
        {
            for (int y = 0; y < image.Height; y++)
                Array.Copy(image.Pixels, y * image.Width * 3, pixels, (y * width + x0) * 3, image.Width * 3);
            x0 += image.Width + gap;
        }
        return new RgbImage(width, height, pixels);
    }
}
