namespace Motive.ToyWorld.Scenes;

/// <summary>
/// Named object colours (four, saturated, at least 55° apart in hue so a colour segmentation can find each object again) and the
/// muted background colours (low saturation, so no background pixel is mistaken for an object).
/// </summary>
public static class Palette
{
    public static readonly IReadOnlyDictionary<string, Rgb> Objects = new Dictionary<string, Rgb>
    {
        ["red"] = new(0.86f, 0.12f, 0.12f),
        ["yellow"] = new(0.95f, 0.88f, 0.10f),
        ["green"] = new(0.15f, 0.70f, 0.20f),
        ["blue"] = new(0.12f, 0.30f, 0.90f),
    };

    public static readonly IReadOnlyList<string> ObjectNames = ["red", "yellow", "green", "blue"];

    public static readonly IReadOnlyList<Rgb> Backgrounds =
    [
        new(0.82f, 0.80f, 0.76f), new(0.55f, 0.54f, 0.52f), new(0.30f, 0.31f, 0.33f), new(0.70f, 0.74f, 0.78f),
        new(0.78f, 0.72f, 0.62f), new(0.45f, 0.48f, 0.44f), new(0.92f, 0.92f, 0.90f), new(0.20f, 0.20f, 0.22f),
    ];

    /// <summary>Hue in degrees [0,360) and saturation (HSV) of a colour.</summary>
    public static (double Hue, double Saturation, double Value) Hsv(float r, float g, float b)
    {
        float max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), d = max - min;
        double h = d == 0 ? 0 : max == r ? 60 * (((g - b) / d + 6) % 6) : max == g ? 60 * ((b - r) / d + 2) : 60 * ((r - g) / d + 4);
        return (h, max == 0 ? 0 : d / max, max);
    }
}
