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
/// The ground-truth edit benchmark's measures over its rows (the bench itself runs as a batch: ToyBenchBatch), and the
/// drag bench's cases: held-out toy scenes with a random move of the largest object.
/// </summary>
public static class ToyBench
{
    /// <summary>The random moves of held-out scenes <paramref name="first"/> … first + count − 1: the drag bench's cases.</summary>
    public static IReadOnlyList<ToyCase> Moves(int count, int first) =>
        Enumerable.Range(first, count).Select(i => ToyCase.RandomMove(HeldOut.SceneSeed(i))).ToList();

    /// <summary>DragDiffusion's name in the bench (its batch item: <see cref="ToyBenchBatch.Methods"/>).</summary>
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
