using Motive.Methods.MotionGuidance;
using Motive.Scenes;

namespace Motive.ToyWorld;

public sealed record ToyBenchRow(int Seed, string Edit, string Method, ToyEditScore Score);

/// <summary>One method's numbers over the bench: the median centroid error and the means of the rest (∞ PSNRs count as 99 dB).</summary>
public sealed record ToyBenchSummary(string Method, int Cases, double MedianCentroidError, [property: System.Text.Json.Serialization.JsonPropertyName("iou")] double IoU, double Psnr, double Ssim, double PsnrOutside, double SsimOutside, double Epe, double EpeMoving)
{
    /// <summary>Each metric with whether larger is better, for tables and for "beats on every metric".</summary>
    public IReadOnlyList<(string Name, double Value, bool HigherIsBetter)> Metrics =>
    [
        ("centroid error px (median)", MedianCentroidError, false), ("IoU", IoU, true), ("PSNR dB", Psnr, true), ("SSIM", Ssim, true),
        ("PSNR outside edit dB", PsnrOutside, true), ("SSIM outside edit", SsimOutside, true), ("flow EPE px", Epe, false), ("flow EPE where it moves px", EpeMoving, false),
    ];

    /// <summary>The metrics where this method is strictly better than <paramref name="other"/>.</summary>
    public IReadOnlyList<string> BetterThan(ToyBenchSummary other) =>
        Metrics.Zip(other.Metrics).Where(p => p.First.HigherIsBetter ? p.First.Value > p.Second.Value : p.First.Value < p.Second.Value).Select(p => p.First.Name).ToList();
}

/// <summary>
/// The ground-truth edit benchmark: held-out toy scenes with random edits; Motion Guidance against no guidance (same
/// inversion, seed and settings, guidance weight 0) and a naive forward warp of the pixels along the exact flow.
/// </summary>
public static class ToyBench
{
    /// <summary>Runs <paramref name="cases"/> held-out edits from index <paramref name="firstCase"/>; <paramref name="settings"/> override the model's preset.</summary>
    /// <remarks>
    /// With <paramref name="drag"/> settings the cases are random moves of the largest object (a drag is a move) and
    /// DragDiffusion runs on each beside the others, its drag from the object's centroid to the moved centroid.
    /// </remarks>
    public static List<ToyBenchRow> Run(ToyModels models, int cases, int firstCase, MotionGuidanceOptions settings,
        Action<int, int>? onCase = null, CancellationToken cancel = default, Methods.DragDiffusion.DragOptions? drag = null)
    {
        var rows = new List<ToyBenchRow>();
        var cache = drag is null ? null : Directory.CreateTempSubdirectory("motive-bench-lora-").FullName;
        try
        {
            for (int i = 0; i < cases; i++)
            {
                cancel.ThrowIfCancellationRequested();
                int seed = HeldOut.SceneSeed(firstCase + i);
                var c = drag is null ? ToyCase.Random(seed) : ToyCase.RandomMove(seed);
                using var edit = new ToyEdit(models, c, settings, cancel: cancel);
                using (var mg = edit.Guided()) rows.Add(new(c.Seed, c.Description, mg.Method, mg.Score));
                using (var ng = edit.Guided(guidance: false)) rows.Add(new(c.Seed, c.Description, ng.Method, ng.Score));
                using (var fw = edit.ForwardWarp()) rows.Add(new(c.Seed, c.Description, fw.Method, fw.Score));
                if (drag is not null)
                {
                    var result = ToyDrag.Of(c).Run(models, cache!, drag, cancel: cancel);
                    using var dragged = edit.Outcome(DragName, ToyEdit.Planar(result.Image), result);
                    rows.Add(new(c.Seed, c.Description, dragged.Method, dragged.Score));
                }
                onCase?.Invoke(i + 1, cases);
            }
        }
        finally
        {
            if (cache is not null) Directory.Delete(cache, recursive: true);
        }
        return rows;
    }

    public const string DragName = "drag";

    public static List<ToyBenchSummary> Summarise(IEnumerable<ToyBenchRow> rows) =>
        rows.GroupBy(r => r.Method).Select(g =>
        {
            var s = g.Select(r => r.Score).ToList();
            return new ToyBenchSummary(g.Key, s.Count, Median(s.Select(x => x.CentroidError)), s.Average(x => x.IoU), s.Average(x => Finite(x.Psnr)),
                s.Average(x => x.Ssim), s.Average(x => Finite(x.PsnrOutside)), s.Average(x => x.SsimOutside), s.Average(x => x.Epe), s.Average(x => x.EpeMoving));
        }).ToList();

    private static double Finite(double psnr) => double.IsPositiveInfinity(psnr) ? 99 : psnr;

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
