using Motive.IO.Images;
using static TorchSharp.torch;

namespace Motive.Models.Flow;

/// <summary>
/// The Middlebury colour-wheel visualisation (Baker et al. 2007; RAFT's flow_viz.py): hue = direction,
/// saturation = magnitude relative to the largest; right is red, down yellow-orange, left cyan, up blue-violet.
/// </summary>
public static class FlowColors
{
    private static readonly float[,] Wheel = MakeWheel();

    private static float[,] MakeWheel()
    {
        int[] seg = [15, 6, 4, 11, 13, 6]; // RY, YG, GC, CB, BM, MR
        var w = new float[seg.Sum(), 3];
        int col = 0;
        void Ramp(int n, int up, int down, int full)
        {
            for (int i = 0; i < n; i++, col++)
            {
                if (full >= 0) w[col, full] = 255;
                if (up >= 0) w[col, up] = MathF.Floor(255f * i / n);
                if (down >= 0) w[col, down] = 255 - MathF.Floor(255f * i / n);
            }
        }
        Ramp(seg[0], up: 1, down: -1, full: 0);   // red → yellow
        Ramp(seg[1], up: -1, down: 0, full: 1);   // yellow → green
        Ramp(seg[2], up: 2, down: -1, full: 1);   // green → cyan
        Ramp(seg[3], up: -1, down: 1, full: 2);   // cyan → blue
        Ramp(seg[4], up: 0, down: -1, full: 2);   // blue → magenta
        Ramp(seg[5], up: -1, down: 2, full: 0);   // magenta → red
        return w;
    }

    /// <summary>A flow (2,H,W) as an RGB image; <paramref name="maxMagnitude"/> fixes the scale (default: the flow's largest).</summary>
    public static RgbImage ToImage(Tensor flow, double? maxMagnitude = null)
    {
        using var f = flow.detach().to(float32).cpu().contiguous();
        long h = f.shape[1], w = f.shape[2];
        var u = f[0].data<float>().ToArray();
        var v = f[1].data<float>().ToArray();
        double radMax = maxMagnitude ?? Math.Sqrt(u.Zip(v, (a, b) => (double)a * a + (double)b * b).DefaultIfEmpty(0).Max());
        const double eps = 1e-5;
        int n = Wheel.GetLength(0);
        var px = new byte[h * w * 3];
        for (long i = 0; i < h * w; i++)
        {
            double uu = u[i] / (radMax + eps), vv = v[i] / (radMax + eps);
            double rad = Math.Sqrt(uu * uu + vv * vv);
            double a = Math.Atan2(-vv, -uu) / Math.PI;
            double fk = (a + 1) / 2 * (n - 1);
            int k0 = (int)Math.Floor(fk), k1 = k0 + 1 == n ? 0 : k0 + 1;
            double t = fk - k0;
            for (int c = 0; c < 3; c++)
            {
                double col = ((1 - t) * Wheel[k0, c] + t * Wheel[k1, c]) / 255.0;
                col = rad <= 1 ? 1 - rad * (1 - col) : col * 0.75;
                px[i * 3 + c] = (byte)Math.Floor(255 * col);
            }
        }
        return new RgbImage((int)w, (int)h, px);
    }

    /// <summary>Several flows (2,H,W) on one colour scale (the largest magnitude among them), so they can be compared side by side.</summary>
    public static RgbImage[] OnOneScale(params Tensor[] flows)
    {
        double scale = flows.Max(f =>
        {
            using var scope = NewDisposeScope();
            return f.detach().square().sum(dim: 0).sqrt().max().item<float>();
        });
        return flows.Select(f => ToImage(f, scale)).ToArray();
    }

    /// <summary>The visualisation blended over an image of the same size (alpha = weight of the colours).</summary>
    public static RgbImage Over(RgbImage colors, RgbImage image, double alpha = 0.6)
    {
        if (colors.Width != image.Width || colors.Height != image.Height)
            throw new ArgumentException($"flow is {colors.Width}x{colors.Height}, the image {image.Width}x{image.Height}");
        var px = new byte[colors.Pixels.Length];
        for (int i = 0; i < px.Length; i++) px[i] = (byte)Math.Round(alpha * colors.Pixels[i] + (1 - alpha) * image.Pixels[i]);
        return new RgbImage(colors.Width, colors.Height, px);
    }
}
