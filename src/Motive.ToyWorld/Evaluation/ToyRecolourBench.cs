using Motive.Methods.GuideAndRescale;
using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld.Evaluation;

/// <summary>One recolouring of the bench: the scene, the captions, which run (Guide-and-Rescale or the unguided baseline) and its score.</summary>
public sealed record RecolourRow(int Seed, string Source, string Target, string Method, RecolourScore Score, double Seconds = double.NaN);

/// <summary>A run's summary over the cases: colour judged right (share), mean recoloured share, mean PSNR and SSIM outside the object, mean seconds per edit.</summary>
public sealed record RecolourSummary(string Method, int Cases, double ColourRight, double Recoloured, double PsnrOutside, double SsimOutside, double Seconds);

/// <summary>
/// Toy text edits with truth (<see cref="ToyRecolour"/>) on held-out scenes: Guide-and-Rescale at the model's preset,
/// and beside it the unguided baseline — the same inversion and CFG toward the target caption with every energy
/// weighted 0 (the reference's "plain inversion + target prompt").
/// </summary>
public static class ToyRecolourBench
{
    public const string GarName = "guide-and-rescale", BaselineName = "no guidance";

    /// <summary>The baseline's settings: <paramref name="settings"/> with the energies off.</summary>
    public static GarOptions Unguided(GarOptions settings) => settings with { SelfAttention = 0, Appearance = 0, Features = null, GuidedSteps = 0 };

    public static List<RecolourRow> Run(ToyModels models, int cases, int first, GarOptions settings, Action<int, int>? onCase = null, CancellationToken cancel = default)
    {
        var rows = new List<RecolourRow>();
        for (int i = 0; i < cases; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var c = ToyRecolour.Of(HeldOut.SceneSeed(first + i));
            foreach (var (name, s) in new[] { (GarName, settings), (BaselineName, Unguided(settings)) })
            {
                using var result = c.Run(models, s, cancel: cancel);
                rows.Add(new RecolourRow(c.Seed, c.SourceCaption, c.TargetCaption, name, c.Score(ToyEdit.Planar(result.Image)), result.Elapsed.TotalSeconds));
            }
            onCase?.Invoke(i + 1, cases);
        }
        return rows;
    }

    public static List<RecolourSummary> Summarise(IEnumerable<RecolourRow> rows) =>
        rows.GroupBy(r => r.Method).Select(g => new RecolourSummary(g.Key, g.Count(), g.Average(r => r.Score.ColourRight ? 1.0 : 0.0),
            g.Average(r => r.Score.Recoloured), g.Average(r => Math.Min(r.Score.PsnrOutside, 99)), g.Average(r => r.Score.SsimOutside), g.Average(r => r.Seconds))).ToList();

}
