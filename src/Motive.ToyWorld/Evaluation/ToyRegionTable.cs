using System.Globalization;
using System.Text;

namespace Motive.ToyWorld.Evaluation;

/// <summary>
/// A region's measures over a set of cases: how many cases had the region (it is the truth's, so the same for every
/// method), its mean size in pixels, and the means of PSNR (∞ counted as 99 dB) and SSIM over those cases. Cases
/// without the region have no score and are left out, so an empty region averages nothing: NaN, "—" in tables.
/// </summary>
public sealed record ToyRegionMean(string Region, int Cases, double Pixels, double Psnr, double Ssim);

/// <summary>
/// One method over the cases of one kind (or of all, <see cref="ToyRegionTable.AllKinds"/>); <paramref name="Seconds"/>
/// is the mean time of its edits (null for pictures computed from the truth).
/// </summary>
public sealed record ToyRegionSummary(string Kind, string Method, int Cases, double MedianCentroidError,
    [property: System.Text.Json.Serialization.JsonPropertyName("iou")] double IoU, IReadOnlyList<ToyRegionMean> Regions, double? Seconds = null);

/// <summary>The bench's measures per edit kind and region (<see cref="Scenes.EditRegions"/>): one table per kind, a row per method.</summary>
public static class ToyRegionTable
{
    public const string AllKinds = "all";

    /// <summary>Per kind in the rows' order, then all kinds together when there is more than one; methods in the rows' order.</summary>
    public static List<ToyRegionSummary> Summarise(IReadOnlyList<ToyBenchRow> rows)
    {
        var kinds = rows.Select(r => r.Kind ?? "?").Distinct().ToList();
        var groups = kinds.Select(k => (Kind: k, Rows: rows.Where(r => (r.Kind ?? "?") == k).ToList())).ToList();
        if (kinds.Count > 1) groups.Add((AllKinds, rows.ToList()));
        return groups.SelectMany(g => g.Rows.GroupBy(r => r.Method).Select(m => Of(g.Kind, m.Key, m.ToList()))).ToList();
    }

    private static ToyRegionSummary Of(string kind, string method, IReadOnlyList<ToyBenchRow> rows)
    {
        var scores = rows.Select(r => r.Score).ToList();
        var seconds = rows.Select(r => r.Seconds).OfType<double>().ToList();
        var names = scores.FirstOrDefault(s => s.Regions is not null)?.Regions!.Select(r => r.Region).ToList() ?? [];
        var regions = names.Select(name =>
        {
            var present = scores.Select(s => s.Regions?.FirstOrDefault(r => r.Region == name)).OfType<ToyRegionScore>().Where(r => r.Pixels > 0).ToList();
            return new ToyRegionMean(name, present.Count, Mean(present.Select(r => (double)r.Pixels)),
                Mean(present.Select(r => double.IsPositiveInfinity(r.Psnr) ? 99 : r.Psnr)), Mean(present.Select(r => r.Ssim)));
        }).ToList();
        return new ToyRegionSummary(kind, method, scores.Count, ToyBench.Median(scores.Select(s => s.CentroidError)), Mean(scores.Select(s => s.IoU)), regions,
            seconds.Count > 0 ? seconds.Average() : null);
    }

    /// <summary>The mean of the values that are numbers; NaN when none is.</summary>
    private static double Mean(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToList();
        return v.Count == 0 ? double.NaN : v.Average();
    }

    /// <summary>One table per kind: cases, seconds per edit, centroid error and IoU, then PSNR / SSIM per region, each region's header with its cases and mean size.</summary>
    public static string Markdown(IReadOnlyList<ToyRegionSummary> summary)
    {
        var md = new StringBuilder();
        foreach (var kind in summary.GroupBy(s => s.Kind))
        {
            var first = kind.First();
            md.AppendLine($"**{kind.Key}** ({first.Cases} case{(first.Cases == 1 ? "" : "s")}):");
            md.AppendLine();
            md.AppendLine("| method | cases | s / edit | centroid px (median) | IoU | " + string.Join(" | ", first.Regions.Select(r =>
                r.Cases == 0 ? $"{r.Region} (none)" : $"{r.Region} ({r.Cases}, {N(r.Pixels, "0")} px) PSNR / SSIM")) + " |");
            md.AppendLine("|---|---|---|---|---|" + string.Concat(first.Regions.Select(_ => "---|")));
            foreach (var s in kind)
                md.AppendLine($"| {s.Method} | {s.Cases} | {N(s.Seconds ?? double.NaN, "0.0")} | {N(s.MedianCentroidError, "0.00")} | {N(s.IoU, "0.000")} | " +
                              string.Join(" | ", s.Regions.Select(r => r.Cases == 0 ? "—" : $"{N(r.Psnr, "0.00")} / {N(r.Ssim, "0.000")}")) + " |");
            md.AppendLine();
        }
        return md.ToString();
    }

    /// <summary>
    /// Per kind, which method does best where: the object's place (median centroid error) and each region's PSNR, the
    /// best method with its number, then <paramref name="focus"/>'s number and rank when it is not the best.
    /// </summary>
    public static string Verdicts(IReadOnlyList<ToyRegionSummary> summary, string focus)
    {
        var md = new StringBuilder();
        foreach (var kind in summary.GroupBy(s => s.Kind))
        {
            var parts = new List<string> { Best("place", kind.ToList(), s => s.MedianCentroidError, lowerIsBetter: true, "0.0", " px", focus) };
            foreach (var region in kind.First().Regions.Where(r => r.Cases > 0).Select(r => r.Region))
                parts.Add(Best(region, kind.ToList(), s => s.Regions.Single(r => r.Region == region).Psnr, lowerIsBetter: false, "0.0", " dB", focus));
            md.AppendLine($"- **{kind.Key}**: " + string.Join("; ", parts));
        }
        return md.ToString();
    }

    private static string Best(string what, IReadOnlyList<ToyRegionSummary> rows, Func<ToyRegionSummary, double> value, bool lowerIsBetter, string format, string unit, string focus)
    {
        var ranked = rows.Where(r => !double.IsNaN(value(r))).OrderBy(r => lowerIsBetter ? value(r) : -value(r)).ToList();
        if (ranked.Count == 0) return $"{what} —";
        var text = $"{what} {ranked[0].Method} {N(value(ranked[0]), format)}{unit}";
        int at = ranked.FindIndex(r => r.Method == focus);
        return at > 0 ? text + $" ({focus} {N(value(ranked[at]), format)}, {Ordinal(at + 1)} of {ranked.Count})" : text;
    }

    private static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{n}th" };

    private static string N(double v, string format) => double.IsNaN(v) ? "—" : v.ToString(format, CultureInfo.InvariantCulture);

}
