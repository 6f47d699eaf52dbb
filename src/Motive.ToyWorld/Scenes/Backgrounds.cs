namespace Motive.ToyWorld.Scenes;

/// <summary>The background families, each a function of the pixel position (2×2 samples a pixel).</summary>
public static class Backgrounds
{
    /// <summary>(3,H,W) in [0,1].</summary>
    public static float[] Render(Background bg, int w, int h)
    {
        int n = w * h;
        var image = new float[3 * n];
        var noise = bg.Kind == BackgroundKind.Noise ? new ValueNoise(bg.Seed, bg.Period) : null;
        double ca = Math.Cos(bg.Angle * Math.PI / 180), sa = Math.Sin(bg.Angle * Math.PI / 180);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float r = 0, g = 0, b = 0;
                for (int s = 0; s < 4; s++)
                {
                    double px = x - 0.25 + 0.5 * (s % 2), py = y - 0.25 + 0.5 * (s / 2);
                    var c = bg.Kind switch
                    {
                        BackgroundKind.Noise => Rgb.Mix(bg.A, bg.B, (float)noise!.At(px, py)),
                        BackgroundKind.Gradient => Rgb.Mix(bg.A, bg.B, (float)Math.Clamp(0.5 + (ca * (px - w / 2.0) + sa * (py - h / 2.0)) / Math.Max(w, h), 0, 1)),
                        _ => py < bg.Horizon * h
                            ? Rgb.Mix(bg.B, new Rgb(0.95f, 0.96f, 0.98f), (float)(py / (bg.Horizon * h)) * 0.6f)        // sky, lighter near the horizon
                            : Mod(py - bg.Horizon * h, bg.Period) < 1.5 ? bg.A.Scale(0.85f) : bg.A,                      // floor with board lines
                    };
                    r += c.R; g += c.G; b += c.B;
                }
                int i = y * w + x;
                image[i] = r / 4; image[n + i] = g / 4; image[2 * n + i] = b / 4;
            }
        return image;
    }

    private static double Mod(double a, double m) => ((a % m) + m) % m;

    /// <summary>Smooth value noise: random values on a grid of the given cell size, smoothstep-interpolated, two octaves.</summary>
    private sealed class ValueNoise
    {
        private readonly double[] grid;
        private readonly double cell;
        private const int Size = 64;

        public ValueNoise(int seed, double cell)
        {
            var rng = new Random(seed);
            grid = Enumerable.Range(0, Size * Size).Select(_ => rng.NextDouble()).ToArray();
            this.cell = cell;
        }

        public double At(double x, double y) => 0.7 * Octave(x / cell, y / cell) + 0.3 * Octave(x * 2 / cell + 17, y * 2 / cell + 31);

        private double Octave(double x, double y)
        {
            int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y);
            double fx = Smooth(x - ix), fy = Smooth(y - iy);
            double G(int a, int b) => grid[(((b % Size) + Size) % Size) * Size + (((a % Size) + Size) % Size)];
            double top = G(ix, iy) + (G(ix + 1, iy) - G(ix, iy)) * fx;
            double bottom = G(ix, iy + 1) + (G(ix + 1, iy + 1) - G(ix, iy + 1)) * fx;
            return top + (bottom - top) * fy;
        }

        private static double Smooth(double t) => t * t * (3 - 2 * t);
    }
}
