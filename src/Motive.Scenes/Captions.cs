namespace Motive.Scenes;

/// <summary>
/// The caption grammar: objects front to back, "a [small|big] COLOUR SHAPE" joined by "and", then "on a BACKGROUND
/// background", e.g. "a red star and a small blue ring on a striped background". <see cref="Words"/> is the whole
/// vocabulary (the toy tokenizer covers it).
/// </summary>
public static class Captions
{
    public const double SmallBelow = 0.11, BigAbove = 0.17;   // size / image side

    public static string Of(Scene scene)
    {
        var side = Math.Min(scene.Width, scene.Height);
        var parts = scene.Objects.Reverse().Select(o => "a " + SizeWord(o.Size / side) + o.Colour + " " + ShapeWord(o.Shape));
        return string.Join(" and ", parts) + " on a " + BackgroundWord(scene.Background.Kind) + " background";
    }

    public static string ShapeWord(Shape s) => s.ToString().ToLowerInvariant();

    public static string BackgroundWord(BackgroundKind k) => k switch
    {
        BackgroundKind.Noise => "speckled",
        BackgroundKind.Gradient => "gradient",
        BackgroundKind.Stripes => "striped",
        BackgroundKind.Checkers => "checkered",
        _ => "floor and sky",
    };

    private static string SizeWord(double relative) => relative < SmallBelow ? "small " : relative > BigAbove ? "big " : "";

    /// <summary>Every word a caption can contain.</summary>
    public static IReadOnlyList<string> Words =>
        new[] { "a", "and", "on", "background", "small", "big" }
            .Concat(Palette.ObjectNames)
            .Concat(Enum.GetValues<Shape>().Select(ShapeWord))
            .Concat(Enum.GetValues<BackgroundKind>().SelectMany(k => BackgroundWord(k).Split(' ')))
            .Distinct().ToList();
}
