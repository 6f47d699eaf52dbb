using Motive.IO.Images;

namespace Motive.ToyWorld.Scenes;

/// <summary>
/// A rendered scene: the image (3,H,W) in [0,1], the label map (index of the object seen at each pixel centre,
/// −1 = background) and each object's full (amodal) mask at pixel centres, occluded parts included.
/// </summary>
public sealed record SceneRender(int Width, int Height, float[] Image, int[] Labels, bool[][] Amodal)
{
    public RgbImage ToRgb() => Rgb(Image, Width, Height);

    /// <summary>A planar RGB picture in [0,1] (the renders' layout) as 8-bit pixels, clamped.</summary>
    public static RgbImage Rgb(float[] planar, int width, int height)
    {
        int n = width * height;
        var px = new byte[n * 3];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                px[i * 3 + c] = (byte)Math.Round(Math.Clamp(planar[c * n + i], 0f, 1f) * 255);
        return new RgbImage(width, height, px);
    }

    /// <summary>Where object <paramref name="k"/> is seen (its visible, modal mask).</summary>
    public bool[] Visible(int k) => Labels.Select(l => l == k).ToArray();
}

/// <summary>
/// Draws scenes: the background with 2×2 samples per pixel, objects back to front with 4×4 samples (anti-aliased
/// edges). Object surfaces are shaded in object-local coordinates, so an object's look moves, turns and scales with
/// it: every pixel of a moved object is where the ground-truth flow says.
/// </summary>
public static class SceneRenderer
{
    private const int ObjectSamples = 4;

    public static SceneRender Render(Scene scene)
    {
        int w = scene.Width, h = scene.Height, n = w * h;
        var image = Backgrounds.Render(scene.Background, w, h);
        var labels = Enumerable.Repeat(-1, n).ToArray();
        var amodal = new bool[scene.Objects.Count][];
        for (int k = 0; k < scene.Objects.Count; k++)
        {
            var o = scene.Objects[k];
            amodal[k] = new bool[n];
            var colour = Palette.Objects[o.Colour];
            double cos = Math.Cos(o.Rotation * Math.PI / 180), sin = Math.Sin(o.Rotation * Math.PI / 180);
            int x0 = Math.Max(0, (int)Math.Floor(o.X - o.Size - 1)), x1 = Math.Min(w - 1, (int)Math.Ceiling(o.X + o.Size + 1));
            int y0 = Math.Max(0, (int)Math.Floor(o.Y - o.Size - 1)), y1 = Math.Min(h - 1, (int)Math.Ceiling(o.Y + o.Size + 1));
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    float r = 0, g = 0, b = 0;
                    int hits = 0;
                    for (int sy = 0; sy < ObjectSamples; sy++)
                        for (int sx = 0; sx < ObjectSamples; sx++)
                        {
                            // Pixel (x, y) covers [x − ½, x + ½]: its centre is at integer coordinates, as flows count.
                            double px = x - 0.5 + (sx + 0.5) / ObjectSamples, py = y - 0.5 + (sy + 0.5) / ObjectSamples;
                            var (u, v) = Local(o, cos, sin, px, py);
                            if (!Shapes.Inside(o.Shape, u, v)) continue;
                            var c = Surface(colour, u, v);
                            r += c.R; g += c.G; b += c.B; hits++;
                        }
                    int i = y * w + x;
                    var (cu, cv) = Local(o, cos, sin, x, y);
                    if (Shapes.Inside(o.Shape, cu, cv)) { amodal[k][i] = true; labels[i] = k; }
                    if (hits == 0) continue;
                    float a = hits / (float)(ObjectSamples * ObjectSamples);
                    image[i] = image[i] * (1 - a) + r / (ObjectSamples * ObjectSamples);
                    image[n + i] = image[n + i] * (1 - a) + g / (ObjectSamples * ObjectSamples);
                    image[2 * n + i] = image[2 * n + i] * (1 - a) + b / (ObjectSamples * ObjectSamples);
                }
        }
        return new SceneRender(w, h, image, labels, amodal);
    }

    /// <summary>Object-local coordinates (u, v) = R(−θ)(p − c) / size.</summary>
    public static (double U, double V) Local(SceneObject o, double cos, double sin, double x, double y)
    {
        double dx = x - o.X, dy = y - o.Y;
        return ((cos * dx + sin * dy) / o.Size, (-sin * dx + cos * dy) / o.Size);
    }

    /// <summary>Soft light from the upper left, in local coordinates (so it turns with the object: RAFT sees a turn).</summary>
    private static Rgb Surface(Rgb colour, double u, double v) => colour.Scale((float)(1.0 - 0.18 * (u * 0.6 + v * 0.8)));
}
