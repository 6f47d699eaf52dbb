using Motive.Methods.MotionGuidance;
using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld.Evaluation;

/// <summary>
/// One method's score on one case; <paramref name="Kind"/> is the case's kind (<see cref="ToyCase.Kind"/>), and
/// <paramref name="Image"/> the method's picture (planar RGB in [0,1]) for the report's contact sheet, not written to JSON;
/// <paramref name="Seconds"/> how long its edit ran (null for pictures computed from the truth).
/// </summary>
public sealed record ToyBenchRow(int Seed, string Edit, string Method, ToyEditScore Score, string? Kind = null,
    [property: System.Text.Json.Serialization.JsonIgnore] float[]? Image = null, double? Seconds = null);


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
/// The ground-truth edit benchmark's measures, and its DragDiffusion variant: held-out toy scenes with a move (a random
/// move of the largest object, or the moves of a case set); Motion Guidance against no guidance (same inversion, seed and settings, guidance weight 0),
/// a naive forward warp of the pixels along the exact flow, and DragDiffusion dragging the object's centroid to its
/// moved place. (Motion Guidance's own bench runs as a batch: ToyBenchBatch.)
/// </summary>
public static class ToyBench
{
    /// <summary>The random moves of held-out scenes <paramref name="first"/> … first + count − 1: the drag bench's cases.</summary>
    public static IReadOnlyList<ToyCase> Moves(int count, int first) =>
        Enumerable.Range(first, count).Select(i => ToyCase.RandomMove(HeldOut.SceneSeed(i))).ToList();

    /// <summary>Runs <paramref name="cases"/> (moves: a drag is a move); <paramref name="settings"/> override the model's preset.</summary>
    public static List<ToyBenchRow> RunWithDrag(ToyModels models, IReadOnlyList<ToyCase> cases, MotionGuidanceOptions settings, Methods.DragDiffusion.DragOptions drag,
        Action<int, int>? onCase = null, CancellationToken cancel = default)
    {
        var rows = new List<ToyBenchRow>();
        var cache = Directory.CreateTempSubdirectory("motive-bench-lora-").FullName;
        try
        {
            for (int i = 0; i < cases.Count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                var c = cases[i];
                if (c.Edit.Kind != EditKind.Move) throw new ArgumentException($"toy case {c.Seed}: a drag is a move, not a {c.Edit.Kind.ToString().ToLowerInvariant()}");
                using var edit = new ToyEdit(models, c, settings, cancel: cancel);
                void Add(ToyOutcome o) => rows.Add(new(c.Seed, c.Description, o.Method, o.Score, c.Kind, o.Image));
                using (var mg = edit.Guided()) Add(mg);
                using (var ng = edit.Guided(guidance: false)) Add(ng);
                using (var fw = edit.ForwardWarp()) Add(fw);
                var result = ToyDrag.Of(c).Run(models, cache, drag, cancel: cancel);
                using var dragged = edit.Outcome(DragName, ToyEdit.Planar(result.Image), result);
                Add(dragged);
                onCase?.Invoke(i + 1, cases.Count);
            }
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
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

    /// <summary>The median; NaN for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
