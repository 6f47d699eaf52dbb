using Motive.IO.Images;
using static TorchSharp.torch;

namespace Motive.Models.Flow;

/// <summary>Regions as (H,W) bool masks: rectangles, ellipses, mask images, or the similar-coloured area around a click.</summary>
public static class Regions
{
    public static Tensor Everywhere(long h, long w) => ones(h, w, dtype: @bool);

    /// <summary>Pixels with x in [x, x+width) and y in [y, y+height).</summary>
    public static Tensor Rect(long h, long w, long x, long y, long width, long height)
    {
        var m = zeros(h, w, dtype: @bool);
        long x0 = Math.Clamp(x, 0, w), x1 = Math.Clamp(x + width, 0, w), y0 = Math.Clamp(y, 0, h), y1 = Math.Clamp(y + height, 0, h);
        if (x1 > x0 && y1 > y0) m[TensorIndex.Slice(y0, y1), TensorIndex.Slice(x0, x1)] = tensor(true);
        return m;
    }

    public static Tensor Ellipse(long h, long w, double cx, double cy, double rx, double ry)
    {
        var x = arange(w, dtype: float32).view(1, w);
        var y = arange(h, dtype: float32).view(h, 1);
        return ((x - cx) / rx).square() + ((y - cy) / ry).square() <= 1;
    }

    /// <summary>A mask image: any non-black pixel belongs to the region.</summary>
    public static Tensor FromImage(RgbImage mask)
    {
        var px = new bool[mask.Width * mask.Height];
        for (int i = 0; i < px.Length; i++) px[i] = mask.Pixels[3 * i] + mask.Pixels[3 * i + 1] + mask.Pixels[3 * i + 2] > 0;
        return tensor(px).view(mask.Height, mask.Width);
    }

    /// <summary>
    /// The connected area around (x, y) whose colours lie within <paramref name="tolerance"/> (0..255, max channel
    /// difference) of the clicked pixel's colour: 4-connected flood fill.
    /// </summary>
    public static Tensor AroundClick(RgbImage image, int x, int y, int tolerance = 32)
    {
        if (x < 0 || y < 0 || x >= image.Width || y >= image.Height)
            throw new ArgumentException($"click ({x}, {y}) is outside the {image.Width}x{image.Height} image");
        int w = image.Width, h = image.Height;
        var seen = new bool[w * h];
        var p = image.Pixels;
        int s = (y * w + x) * 3;
        bool Similar(int i) => Math.Abs(p[3 * i] - p[s]) <= tolerance && Math.Abs(p[3 * i + 1] - p[s + 1]) <= tolerance && Math.Abs(p[3 * i + 2] - p[s + 2]) <= tolerance;
        var queue = new Queue<int>();
        queue.Enqueue(y * w + x);
        seen[y * w + x] = true;
        while (queue.Count > 0)
        {
            int i = queue.Dequeue(), cx = i % w, cy = i / w;
            foreach (var (nx, ny) in new[] { (cx - 1, cy), (cx + 1, cy), (cx, cy - 1), (cx, cy + 1) })
            {
                if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                int j = ny * w + nx;
                if (seen[j] || !Similar(j)) continue;
                seen[j] = true;
                queue.Enqueue(j);
            }
        }
        return tensor(seen).view(h, w);
    }
}
