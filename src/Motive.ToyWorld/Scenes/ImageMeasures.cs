namespace Motive.ToyWorld.Scenes;

/// <summary>
/// What the toy bench measures on an image (planar RGB float[3·W·H] in [0,1], as <see cref="SceneRender.Image"/>):
/// an object found by its colour (the palette's hues are far apart and backgrounds are muted, so the pixels of a
/// named hue are that object's), centroids, IoU, PSNR and SSIM, each optionally over a pixel mask.
/// </summary>
public static class ImageMeasures
{
    /// <summary>The pixels whose hue is within 15° of the named colour's, saturated and bright enough to be an object's.</summary>
    public static bool[] Segment(float[] image, int width, int height, string colour)
    {
        var c = Palette.Objects[colour];
        var (hue, _, _) = Palette.Hsv(c.R, c.G, c.B);
        int n = width * height;
        var mask = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var (h, s, v) = Palette.Hsv(image[i], image[n + i], image[2 * n + i]);
            double d = Math.Abs(h - hue);
            mask[i] = s > 0.5 && v > 0.25 && Math.Min(d, 360 - d) < 15;
        }
        return mask;
    }

    /// <summary>The mask grown by <paramref name="r"/> px (every pixel within a (2r+1)² square of one of its pixels).</summary>
    public static bool[] Grow(bool[] mask, int width, int height, int r)
    {
        var grown = new bool[mask.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (!mask[y * width + x]) continue;
                for (int yy = Math.Max(0, y - r); yy <= Math.Min(height - 1, y + r); yy++)
                    for (int xx = Math.Max(0, x - r); xx <= Math.Min(width - 1, x + r); xx++)
                        grown[yy * width + xx] = true;
            }
        return grown;
    }

    /// <summary>The mean (x, y) of a mask's pixels; null for an empty mask.</summary>
    public static (double X, double Y)? Centroid(bool[] mask, int width)
    {
        double sx = 0, sy = 0;
        int count = 0;
        for (int i = 0; i < mask.Length; i++)
            if (mask[i]) { sx += i % width; sy += i / width; count++; }
        return count == 0 ? null : (sx / count, sy / count);
    }

    public static double IoU(bool[] a, bool[] b)
    {
        int both = 0, either = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] && b[i]) both++;
            if (a[i] || b[i]) either++;
        }
        return either == 0 ? 1 : both / (double)either;
    }

    /// <summary>PSNR (dB, peak 1) over the pixels where <paramref name="where"/> is true (all when null); ∞ for equal images.</summary>
    public static double Psnr(float[] a, float[] b, int width, int height, bool[]? where = null)
    {
        int n = width * height;
        double sum = 0;
        long count = 0;
        for (int i = 0; i < n; i++)
        {
            if (where is not null && !where[i]) continue;
            for (int ch = 0; ch < 3; ch++)
            {
                double d = a[ch * n + i] - b[ch * n + i];
                sum += d * d;
            }
            count += 3;
        }
        return count == 0 ? double.NaN : sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(count / sum);
    }

    /// <summary>
    /// SSIM (Wang et al. 2004: 7×7 uniform windows, K1 0.01, K2 0.03, peak 1) of the luma, averaged over the windows whose
    /// centre is in <paramref name="where"/> (all when null).
    /// </summary>
    public static double Ssim(float[] a, float[] b, int width, int height, bool[]? where = null)
    {
        const int r = 3;
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        var ya = Luma(a, width * height);
        var yb = Luma(b, width * height);
        double total = 0;
        int windows = 0;
        for (int y = r; y < height - r; y++)
            for (int x = r; x < width - r; x++)
            {
                if (where is not null && !where[y * width + x]) continue;
                double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
                for (int dy = -r; dy <= r; dy++)
                    for (int dx = -r; dx <= r; dx++)
                    {
                        double p = ya[(y + dy) * width + x + dx], q = yb[(y + dy) * width + x + dx];
                        ma += p; mb += q; saa += p * p; sbb += q * q; sab += p * q;
                    }
                const double k = (2 * r + 1) * (2 * r + 1);
                ma /= k; mb /= k;
                double va = saa / k - ma * ma, vb = sbb / k - mb * mb, cov = sab / k - ma * mb;
                total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
                windows++;
            }
        return windows == 0 ? double.NaN : total / windows;
    }

    private static double[] Luma(float[] image, int n)
    {
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = 0.299 * image[i] + 0.587 * image[n + i] + 0.114 * image[2 * n + i];
        return y;
    }
}
