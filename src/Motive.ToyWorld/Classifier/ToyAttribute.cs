using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld.Classifier;

/// <summary>
/// What a toy picture classifier names: the colour or the shape of the scene's largest object. The truth of a
/// rendered scene comes from its label map (the object seen at most pixels; for colour, a colour's pixels counted
/// over every object of it, as a picture shows them); the judgement of a generated picture comes from the toy
/// world's own measures (<see cref="Judge"/>), not from any network.
/// </summary>
public sealed record ToyAttribute(string Name, IReadOnlyList<string> Classes)
{
    public static readonly ToyAttribute Colour = new("colour", Palette.ObjectNames);
    public static readonly ToyAttribute Shape = new("shape", Enum.GetValues<Scenes.Shape>().Select(Captions.ShapeWord).ToList());

    /// <summary>A colour counts as drawn when at least this many pixels have its hue (the caption judge's threshold).</summary>
    public const int MinObjectPixels = 40;

    public static ToyAttribute Parse(string name) => name switch
    {
        "colour" or "color" => Colour,
        "shape" => Shape,
        _ => throw new ArgumentException($"the attribute must be colour or shape, not '{name}'"),
    };

    /// <summary>The class index of a rendered scene: its largest object's colour or shape.</summary>
    public int Label(Scene scene, SceneRender render)
    {
        if (this == Shape)
        {
            var seen = ObjectPixels(scene, render);
            int largest = Array.IndexOf(seen, seen.Max());
            return Classes.ToList().IndexOf(Captions.ShapeWord(scene.Objects[largest].Shape));
        }
        var byColour = ColourPixels(scene, render);
        return Array.IndexOf(byColour, byColour.Max());
    }

    /// <summary>A rendered scene's pixels of each palette colour (<see cref="Palette.ObjectNames"/>' order), every object of a colour counted.</summary>
    public static long[] ColourPixels(Scene scene, SceneRender render)
    {
        var seen = ObjectPixels(scene, render);
        return [.. Palette.ObjectNames.Select(c => scene.Objects.Select((o, k) => o.Colour == c ? seen[k] : 0).Sum())];
    }

    /// <summary>How many pixels of the render show each object.</summary>
    private static long[] ObjectPixels(Scene scene, SceneRender render)
    {
        var seen = new long[scene.Objects.Count];
        foreach (var l in render.Labels) if (l >= 0) seen[l]++;
        return seen;
    }

    /// <summary>
    /// The toy judge of a picture (planar RGB in [0,1]): the colour with the most pixels of its hue
    /// (<see cref="ImageMeasures.Segment"/>) is the largest object's; its shape is what <see cref="ShapeClassifier"/>
    /// fits to those pixels, the other colours' pixels (grown by one, for soft edges) left out as possibly hiding it.
    /// Null when no colour has <see cref="MinObjectPixels"/> pixels (no object drawn). Also the fit's IoU (0 when none).
    /// </summary>
    public static (string? Colour, string? Shape, double Fit) Judge(float[] image, int width, int height)
    {
        var masks = Palette.ObjectNames.Select(c => ImageMeasures.Segment(image, width, height, c)).ToArray();
        var counts = masks.Select(m => m.Count(b => b)).ToArray();
        int best = Array.IndexOf(counts, counts.Max());
        if (counts[best] < MinObjectPixels) return (null, null, 0);
        var others = new bool[width * height];
        for (int j = 0; j < masks.Length; j++)
            if (j != best) for (int i = 0; i < others.Length; i++) others[i] |= masks[j][i];
        var (shape, fit) = ShapeClassifier.Classify(masks[best], width, height, ImageMeasures.Grow(others, width, height, 1));
        return (Palette.ObjectNames[best], Captions.ShapeWord(shape), fit);
    }

    /// <summary>The judge's answer for this attribute (null: nothing drawn).</summary>
    public string? Judged(float[] image, int width, int height)
    {
        var (colour, shape, _) = Judge(image, width, height);
        return this == Shape ? shape : colour;
    }
}
