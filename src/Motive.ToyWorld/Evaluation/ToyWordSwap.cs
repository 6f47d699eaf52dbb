using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Methods.PromptToPrompt;
using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld.Evaluation;

/// <summary>
/// Prompt-to-Prompt's colour word swap on the toy world (<see cref="ToyRecolour"/>'s cases: "a blue square …" → "a red
/// square …", the largest object's colour), in both of its modes: the source generated from the source caption (truth:
/// the source's own object, found by its colour in the source picture) and the scene itself as a picture (null-text
/// inversion; truth: the scene). Beside each, the baseline without attention control (the same x_T and, for a picture,
/// the same inversion, with the edited caption: cross- and self-attention replaced for no step, no LocalBlend), and for
/// a picture the reconstruction of plain DDIM inversion at the same CFG (null-text with 0 inner steps).
/// </summary>
public static class ToyWordSwap
{
    public const string P2pName = "prompt-to-prompt", BaselineName = "no attention control", PlainInversionName = "plain DDIM inversion";

    /// <summary>One edit's score: colour judged right, IoU of the object's masks (edit's new colour vs the source's object), PSNR outside both, the reconstruction PSNR.</summary>
    public sealed record Score(int Seed, string Edit, string Mode, string Method, bool ColourRight, double Recoloured, double IoU, double PsnrOutside, double? ReconstructionPsnr,
        double Seconds = double.NaN);

    /// <summary>The baseline's settings: <paramref name="s"/> with no attention control.</summary>
    public static P2pSettings Uncontrolled(P2pSettings s) => s with { CrossReplace = 0, SelfReplace = 0, CrossReplaceWords = null, BlendWords = null };

    /// <summary>
    /// The edit and its baseline (and, for a picture, plain inversion's reconstruction) of case <paramref name="c"/>;
    /// null-text inversions go to <paramref name="cacheDir"/>, and <paramref name="keep"/>, when given, is called with a
    /// name and each run's summary strip (source | edit).
    /// </summary>
    public static List<Score> Run(ToyModels models, ToyRecolour c, bool picture, P2pSettings settings, string cacheDir, Action<string, RgbImage>? keep = null,
        CancellationToken cancel = default)
    {
        var shape = Captions.ShapeWord(c.Source.Objects[c.Object].Shape);
        var edit = settings with { BlendWords = settings.BlendWords ?? shape };
        var rows = new List<Score>();
        foreach (var (name, s) in new[] { (P2pName, edit), (BaselineName, Uncontrolled(settings)) })
        {
            using var result = Edit(models, c, picture, s, cacheDir, cancel);
            rows.Add(Measure(c, picture, name, result));
            keep?.Invoke($"{c.Seed}-{(picture ? "picture" : "generated")}-{(name == P2pName ? "p2p" : "baseline")}", result.Summary!);
        }
        if (picture)
        {
            using var plain = Edit(models, c, true, Uncontrolled(settings) with { InnerSteps = 0 }, cacheDir, cancel);
            rows.Add(Measure(c, true, PlainInversionName, plain));
        }
        return rows;
    }

    private static EditResult Edit(ToyModels models, ToyRecolour c, bool picture, P2pSettings settings, string cacheDir, CancellationToken cancel)
    {
        var dir = Directory.CreateTempSubdirectory("motive-toy-p2p-").FullName;
        try
        {
            if (picture) PngWriter.Write(Path.Combine(dir, "scene.png"), SceneRenderer.Render(c.Source).ToRgb());
            var request = new P2pRequest
            {
                Model = models.Model, Image = picture ? "scene.png" : null, SourcePrompt = c.SourceCaption, TargetPrompt = c.TargetCaption,
                Seed = c.Seed, Settings = settings,
            };
            using var plan = new P2pMethod().Plan(request, new FileInputs(dir));
            return plan.Run(new EditSession(models.Models, null, null, cancel, cacheDir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Score Measure(ToyRecolour c, bool picture, string name, EditResult result)
    {
        int w = result.Image.Width, h = result.Image.Height;
        var edited = ToyEdit.Planar(result.Image);
        var source = picture ? SceneRenderer.Render(c.Source).Image : ToyEdit.Planar(result.Pictures.Single(p => p.File == "source.png").Image);
        var oldColour = c.Source.Objects[c.Object].Colour;
        var before = picture ? SceneRenderer.Render(c.Source).Visible(c.Object) : Largest(ImageMeasures.Segment(source, w, h, oldColour), w, h);
        var after = ImageMeasures.Segment(edited, w, h, c.Colour);
        var stillOld = ImageMeasures.Segment(edited, w, h, oldColour);
        int area = Math.Max(1, before.Count(v => v));
        double recoloured = before.Zip(after).Count(p => p.First && p.Second) / (double)area;
        double old = before.Zip(stillOld).Count(p => p.First && p.Second) / (double)area;
        var union = before.Zip(after, (a, b) => a || b).ToArray();
        var outside = ImageMeasures.Grow(union, w, h, c.Margin).Select(v => !v).ToArray();
        double? reconstruction = result.Metrics.TryGetValue("reconstruction_psnr_db", out var r) && r is double d ? d : null;
        return new Score(c.Seed, $"{c.SourceCaption} → {c.Colour}", picture ? "picture" : "generated", name, before.Any(v => v) && recoloured >= 0.5 && old <= 0.1, recoloured,
            ImageMeasures.IoU(before, after), Math.Min(ImageMeasures.Psnr(edited, source, w, h, outside), 99), reconstruction, result.Elapsed.TotalSeconds);
    }

    /// <summary>The largest 4-connected part of a mask (the object, not stray pixels of its colour elsewhere).</summary>
    private static bool[] Largest(bool[] mask, int w, int h)
    {
        var label = new int[mask.Length];
        int best = 0, bestSize = 0, next = 0;
        var stack = new Stack<int>();
        for (int i = 0; i < mask.Length; i++)
        {
            if (!mask[i] || label[i] != 0) continue;
            int size = 0;
            label[i] = ++next;
            stack.Push(i);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                size++;
                int x = p % w, y = p / w;
                foreach (var q in new[] { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1 })
                    if (q >= 0 && mask[q] && label[q] == 0) { label[q] = next; stack.Push(q); }
            }
            if (size > bestSize) (best, bestSize) = (next, size);
        }
        return label.Select(l => l == best && best != 0).ToArray();
    }

    /// <summary>
    /// <paramref name="cases"/> held-out scenes from index <paramref name="first"/>, each generated and as a picture;
    /// each run's summary strip goes to <paramref name="dir"/>/cases/. Progress counts (case, mode) pairs.
    /// </summary>
    public static List<Score> RunAll(ToyModels models, int cases, int first, P2pSettings settings, string dir, Action<int>? progress = null,
        CancellationToken cancel = default)
    {
        var pictures = Path.Combine(dir, "cases");
        Directory.CreateDirectory(pictures);
        var cache = Directory.CreateTempSubdirectory("motive-word-swap-").FullName;
        try
        {
            var rows = new List<Score>();
            int done = 0;
            for (int i = 0; i < cases; i++)
                foreach (var picture in new[] { false, true })
                {
                    var c = ToyRecolour.Of(HeldOut.SceneSeed(first + i));
                    rows.AddRange(Run(models, c, picture, settings, cache, (name, strip) => PngWriter.Write(Path.Combine(pictures, name + ".png"), strip), cancel));
                    progress?.Invoke(++done);
                }
            return rows;
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    /// <summary>Per mode and method: cases, colour right (share), mean IoU, mean PSNR outside, mean reconstruction PSNR.</summary>
    public static List<(string Mode, string Method, int Cases, double ColourRight, double IoU, double PsnrOutside, double? Reconstruction, double Seconds)> Summarise(IEnumerable<Score> rows) =>
        rows.GroupBy(r => (r.Mode, r.Method)).Select(g => (g.Key.Mode, g.Key.Method, g.Count(), g.Average(r => r.ColourRight ? 1.0 : 0.0),
            g.Average(r => r.IoU), g.Average(r => r.PsnrOutside), g.All(r => r.ReconstructionPsnr is not null) ? g.Average(r => r.ReconstructionPsnr!.Value) : (double?)null,
            g.Average(r => r.Seconds))).ToList();

}
