using Motive.IO.Images;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>Pictures of one size laid out in rows of at most <c>columns</c>, with a white gap between them.</summary>
public static class ContactSheet
{
    public static RgbImage Of(IReadOnlyList<RgbImage> pictures, int columns = 8, int gap = 4)
    {
        if (pictures.Count == 0) throw new ArgumentException("no pictures for a contact sheet");
        int cols = Math.Min(columns, pictures.Count), rows = (pictures.Count + cols - 1) / cols;
        int w = pictures[0].Width, h = pictures[0].Height;
        int width = cols * w + (cols - 1) * gap, height = rows * h + (rows - 1) * gap;
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, (byte)255);
        for (int k = 0; k < pictures.Count; k++)
        {
            var p = pictures[k];
            if (p.Width != w || p.Height != h) throw new ArgumentException("the pictures of a contact sheet must have one size");
            int x0 = k % cols * (w + gap), y0 = k / cols * (h + gap);
            for (int y = 0; y < h; y++) Array.Copy(p.Pixels, y * w * 3, pixels, ((y0 + y) * width + x0) * 3, w * 3);
        }
        return new RgbImage(width, height, pixels);
    }
}
