namespace Motive.ToyWorld.Scenes;

/// <summary>
/// The caption grammar: objects front to back, "a COLOUR SHAPE" joined by "and", then "on a BACKGROUND background",
/// e.g. "a red triangle and a blue circle on a speckled background". <see cref="Words"/> is the whole vocabulary (the
/// toy tokenizer covers it; the embedded model's tokenizer also knows the first world's words, "small", "star", ...).
/// </summary>
public static class Captions
{
    public static string Of(Scene scene)
    {
        var parts = scene.Objects.Reverse().Select(o => "a " + o.Colour + " " + ShapeWord(o.Shape));
        return string.Join(" and ", parts) + " on a " + BackgroundWord(scene.Background.Kind) + " background";
    }

    public static string ShapeWord(Shape s) => s.ToString().ToLowerInvariant();

    public static string BackgroundWord(BackgroundKind k) => k switch
    {
        BackgroundKind.Noise => "speckled",
        BackgroundKind.Gradient => "gradient",
        _ => "floor and sky",
    };

    /// <summary>Every word a caption can contain.</summary>
    public static IReadOnlyList<string> Words =>
        new[] { "a", "and", "on", "background" }
            .Concat(Palette.ObjectNames)
            .Concat(Enum.GetValues<Shape>().Select(ShapeWord))
            .Concat(Enum.GetValues<BackgroundKind>().SelectMany(k => BackgroundWord(k).Split(' ')))
            .Distinct().ToList();
}
