using Motive.ToyWorld.Scenes;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.ToyWorld.Classifier;

/// <summary>
/// Augmentations of clean training scenes that make a classifier's gradient usable on the blurry, noisy x̂₀ that
/// guidance shows it, and on colours between the palette's: each picture (B,3,H,W) in [-1,1] gets its hue turned by
/// up to ±<see cref="HueDegrees"/> (a rotation of RGB about the grey axis), then, with even odds, a blur (average
/// over a 2–<see cref="MaxBlur"/> px block, scaled back up bilinearly), then Gaussian noise of a standard deviation
/// drawn up to <see cref="NoiseSigma"/>. A turned hue changes the colour label: each object colour is named after
/// the palette colour nearest in hue to what it was turned into, so an orange between red and yellow is trained as
/// whichever it is nearer, and a classifier that names a picture red with confidence has seen its hue near red's.
/// </summary>
public sealed record ClassifierAugmentation(double HueDegrees, double NoiseSigma, int MaxBlur)
{
    public static readonly ClassifierAugmentation None = new(0, 0, 0);

    public bool Any => HueDegrees > 0 || NoiseSigma > 0 || MaxBlur >= 2;

    /// <summary>The 3×3 rotation of RGB by <paramref name="degrees"/> about the grey axis (1,1,1)/√3 (Rodrigues), for pictures in [-1,1], whose grey axis passes through 0.</summary>
    public static float[,] HueRotation(double degrees)
    {
        double a = degrees * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a), k = 1 / Math.Sqrt(3), t = (1 - c) / 3;
        var m = new float[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                // c·I + s·[k]× + (1−c)·k kᵀ; [k]× has −k at (0,1),(1,2),(2,0) and +k at (1,0),(2,1),(0,2).
                double cross = i == j ? 0 : (j - i + 3) % 3 == 1 ? -k : k;
                m[i, j] = (float)((i == j ? c : 0) + s * cross + t);
            }
        return m;
    }

    /// <summary>The palette colour (index into <see cref="Palette.ObjectNames"/>) nearest in hue to palette colour <paramref name="colour"/> turned by <paramref name="degrees"/>.</summary>
    public static int TurnedColour(int colour, double degrees)
    {
        var m = HueRotation(degrees);
        var hues = Palette.ObjectNames.Select(n => Hue(Palette.Objects[n], null)).ToArray();
        double h = Hue(Palette.Objects[Palette.ObjectNames[colour]], m);
        return Enumerable.Range(0, hues.Length).MinBy(i => { double d = Math.Abs(h - hues[i]); return Math.Min(d, 360 - d); });
    }

    private static double Hue(Rgb c, float[,]? m)
    {
        float[] x = [c.R * 2 - 1, c.G * 2 - 1, c.B * 2 - 1];
        if (m is not null) x = [.. Enumerable.Range(0, 3).Select(i => m[i, 0] * x[0] + m[i, 1] * x[1] + m[i, 2] * x[2])];
        float U(float v) => Math.Clamp((v + 1) / 2, 0, 1);
        return Palette.Hsv(U(x[0]), U(x[1]), U(x[2])).Hue;
    }

    /// <summary>
    /// Augments a batch. <paramref name="colourPixels"/> (B × colours) holds, for a colour classifier, each scene's
    /// pixels of each palette colour (null for other attributes, whose labels a hue turn leaves alone).
    /// </summary>
    public (Tensor Images, Tensor Labels) Apply(Tensor images, Tensor labels, Tensor? colourPixels, Generator generator)
    {
        long b = images.shape[0];
        var x = images;
        if (HueDegrees > 0)
        {
            var degrees = ((rand([b], dtype: float64, generator: generator) * 2 - 1) * HueDegrees).data<double>().ToArray();
            var rotations = new float[b * 9];
            for (int i = 0; i < b; i++)
            {
                var m = HueRotation(degrees[i]);
                for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) rotations[i * 9 + r * 3 + c] = m[r, c];
            }
            x = einsum("bij,bjhw->bihw", tensor(rotations, [b, 3, 3]), x).clamp(-1, 1);
            if (colourPixels is not null) labels = TurnedLabels(colourPixels, degrees);
        }
        if (MaxBlur >= 2)
        {
            int h = (int)x.shape[2], w = (int)x.shape[3];
            var blurred = new List<Tensor>();
            var factors = randint(2, MaxBlur + 1, [b], generator: generator).data<long>().ToArray();
            var on = rand([b], generator: generator).lt(0.5).data<bool>().ToArray();
            for (int i = 0; i < b; i++)
            {
                var one = x.narrow(0, i, 1);
                blurred.Add(on[i] ? F.interpolate(F.avg_pool2d(one, factors[i], ceil_mode: true), size: [h, w], mode: InterpolationMode.Bilinear, align_corners: false) : one);
            }
            x = cat(blurred, 0);
        }
        if (NoiseSigma > 0)
            x = x + randn(x.shape, generator: generator) * (rand([b, 1, 1, 1], generator: generator) * NoiseSigma);
        return (x, labels);
    }

    /// <summary>Each scene's label after its hue turn: the colour with the most pixels once each colour is renamed by <see cref="TurnedColour"/>.</summary>
    private static Tensor TurnedLabels(Tensor colourPixels, double[] degrees)
    {
        int b = (int)colourPixels.shape[0], k = (int)colourPixels.shape[1];
        var counts = colourPixels.to(int64).data<long>().ToArray();
        var labels = new long[b];
        for (int i = 0; i < b; i++)
        {
            var turned = new long[k];
            for (int c = 0; c < k; c++) turned[TurnedColour(c, degrees[i])] += counts[i * k + c];
            labels[i] = Array.IndexOf(turned, turned.Max());
        }
        return tensor(labels);
    }
}
