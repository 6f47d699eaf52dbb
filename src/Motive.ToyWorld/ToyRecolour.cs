using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Methods.GuideAndRescale;
using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld;

/// <summary>
/// A toy text edit with exact truth: one object of a scene recoloured, the caption changed to say so ("a blue square"
/// → "a red square"), the recoloured scene rendered as the truth. Scored by <see cref="Score"/>: which share of the
/// object's pixels now has the new colour (judged by the scene tools' colour segmentation), and PSNR / SSIM against
/// the source outside the object (grown by <see cref="Margin"/> px: its antialiased edge changes with it).
/// </summary>
public sealed record ToyRecolour(int Seed, Scene Source, Scene Target, int Object, string Colour, int Margin = 2)
{
    /// <summary>Scene <paramref name="seed"/> with its largest object given another colour (seeded), at <paramref name="size"/>².</summary>
    public static ToyRecolour Of(int seed, int size = 128)
    {
        var scene = SceneGenerator.Generate(seed, size, size);
        var render = SceneRenderer.Render(scene);
        int k = Enumerable.Range(0, scene.Objects.Count).MaxBy(i => render.Visible(i).Count(v => v));
        var others = Palette.ObjectNames.Where(c => c != scene.Objects[k].Colour && scene.Objects.All(o => o.Colour != c)).ToList();
        var colour = others[new Random(seed).Next(others.Count)];
        var objects = scene.Objects.Select((o, i) => i == k ? o with { Colour = colour } : o).ToList();
        return new ToyRecolour(seed, scene, scene with { Objects = objects }, k, colour);
    }

    public string SourceCaption => Captions.Of(Source);
    public string TargetCaption => Captions.Of(Target);

    /// <summary>The edit through the seam as `motive edit` runs it (the scene written to a temporary folder).</summary>
    public EditResult Run(ToyModels models, GarOptions? settings = null, Action<EditProgress>? progress = null, CancellationToken cancel = default)
    {
        var dir = Directory.CreateTempSubdirectory("motive-toy-recolour-").FullName;
        try
        {
            PngWriter.Write(Path.Combine(dir, "scene.png"), SceneRenderer.Render(Source).ToRgb());
            var request = new GarRequest
            {
                Model = models.Model, Image = "scene.png", SourcePrompt = SourceCaption, TargetPrompt = TargetCaption, Seed = Seed, Settings = settings ?? new(),
            };
            using var plan = new GarMethod().Plan(request, new FileInputs(dir));
            return plan.Run(new EditSession(models.Models, null, progress, cancel));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>How a result (planar RGB in [0,1] at the scene's size) did.</summary>
    public RecolourScore Score(float[] image)
    {
        var source = SceneRenderer.Render(Source);
        int w = Source.Width, h = Source.Height;
        var visible = SceneRenderer.Render(Target).Visible(Object);
        var found = ImageMeasures.Segment(image, w, h, Colour);
        var old = ImageMeasures.Segment(image, w, h, Source.Objects[Object].Colour);
        int area = visible.Count(v => v);
        double recoloured = visible.Zip(found).Count(p => p.First && p.Second) / (double)area;
        double stillOld = visible.Zip(old).Count(p => p.First && p.Second) / (double)area;
        var outside = ImageMeasures.Grow(visible, w, h, Margin).Select(v => !v).ToArray();
        return new RecolourScore(recoloured, stillOld, ImageMeasures.Psnr(image, source.Image, w, h, outside), ImageMeasures.Ssim(image, source.Image, w, h, outside));
    }

}

/// <summary>
/// A recolouring's score: the share of the object's pixels in the new colour and still in the old one, and PSNR (dB)
/// and SSIM against the source outside the object.
/// </summary>
public sealed record RecolourScore(double Recoloured, double StillOld, double PsnrOutside, double SsimOutside)
{
    /// <summary>The colour is judged right when most of the object shows the new colour and little the old.</summary>
    public bool ColourRight => Recoloured >= 0.5 && StillOld <= 0.1;
}
