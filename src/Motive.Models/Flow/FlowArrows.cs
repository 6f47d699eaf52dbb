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
        var canvas = new Canvas(image);
        var arrows = new List<(double X0, double Y0, double X1, double Y1)>();
        for (int y = spacing / 2; y < h; y += spacing)
            for (int x = spacing / 2; x < w; x += spacing)
            {
                double dx = u[y * w + x], dy = v[y * w + x];
                if (Math.Sqrt(dx * dx + dy * dy) >= minLength) arrows.Add((x, y, x + dx, y + dy));
            }
        // Halos first, then all shafts, so one arrow's halo never covers another's line.
        foreach (var a in arrows) canvas.Arrow(a.X0, a.Y0, a.X1, a.Y1, (255, 255, 255), thickness: 1);
        foreach (var a in arrows) canvas.Arrow(a.X0, a.Y0, a.X1, a.Y1, (0, 0, 0), thickness: 0);
        return canvas.Image;
    }
}
