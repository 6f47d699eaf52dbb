using System.Globalization;
using System.Text;
using Motive.Batch;
using Motive.IO.Json;
using Motive.Methods.GuideAndRescale;
using Motive.Methods.MotionGuidance;
using Motive.Training.Reports;

namespace Motive.ToyWorld.Evaluation;

/// <summary>
/// Every report the toy evaluations write, in one place: the per-method table of truth measures (bench.md and the
/// toy section of a batch report share it), the move bench's bench.md / bench.json / bar charts, and the recolouring
/// bench's report.md / report.json. Each writer returns the Markdown it wrote, for the console.
/// </summary>
public static class ToyReport
{
    /// <summary>One row per method, one column per metric of <see cref="ToyBenchSummary.Metrics"/>, each number as <paramref name="number"/> writes it.</summary>
    public static string Table(IReadOnlyList<ToyBenchSummary> summary, Func<double, string> number)
    {
        var md = new StringBuilder();
        md.AppendLine("| method | " + string.Join(" | ", summary[0].Metrics.Select(m => m.Name)) + " |");
        md.AppendLine("|---|" + string.Concat(summary[0].Metrics.Select(_ => "---|")));
        foreach (var s in summary)
            md.AppendLine($"| {s.Method} | " + string.Join(" | ", s.Metrics.Select(m => number(m.Value))) + " |");
        return md.ToString();
    }

    /// <summary>The section a toy bench adds to its batch report (report.md), its numbers as the batch report's own.</summary>
    public static string TruthSection(IReadOnlyList<ToyBenchSummary> summary) =>
        $"Against the toy world's truth ({summary[0].Cases} cases; the forward warp of the pixels along the exact flow beside):\n\n" + Table(summary, BatchReport.Number);

    /// <summary>
    /// The move bench's bench.md, bench.json (every case and the summary, overall and per kind and region), one bar chart
    /// per metric (metricN.png), each case's regions (cases/SEED/regions.png) and the contact sheet of the cases
    /// (<see cref="ToyCaseSheet"/>, cases.png).
    /// </summary>
    public static string WriteBench(string dir, IReadOnlyList<ToyBenchRow> rows, MotionGuidanceOptions settings, IReadOnlyList<ToyCase> cases)
    {
        var summary = ToyBench.Summarise(rows);
        var regions = ToyRegionTable.Summarise(rows);
        Directory.CreateDirectory(dir);
        var md = new StringBuilder();
        var drag = summary.FirstOrDefault(x => x.Method == ToyBench.DragName);
        md.AppendLine($"# Toy edit benchmark: {summary[0].Cases} held-out edits{(drag is null ? "" : $" (DragDiffusion at the model's drag preset on the {drag.Cases} moves)")}; Motion Guidance at {settings.Steps} steps × {settings.Recursions} recursions, guidance weight {settings.GuidanceWeight}, CFG {settings.Cfg}, clip {settings.ClipGrad}, edit-mask margin {settings.MaskMargin}, schedule {settings.GuidanceSchedule}{(settings.OracleFlow == true ? ", oracle flow" : "")}");
        md.AppendLine();
        md.Append(Table(summary, v => v.ToString("0.000", CultureInfo.InvariantCulture)));
        md.AppendLine();
        var mg = summary.Single(s => s.Method == ToyEdit.MotionGuidanceName);
        foreach (var other in summary.Where(s => s != mg))
        {
            var better = mg.BetterThan(other);
            md.AppendLine($"- {mg.Method} beats {other.Method} on {better.Count} of {mg.Metrics.Count} metrics{(better.Count < mg.Metrics.Count ? $" (not on: {string.Join(", ", mg.Metrics.Select(m => m.Name).Except(better))})" : "")}");
        }
        md.AppendLine();
        md.AppendLine("## By edit kind and region");
        md.AppendLine();
        md.AppendLine(RegionsLegend);
        md.AppendLine();
        md.Append(ToyRegionTable.Markdown(regions));
        md.AppendLine($"Per kind, the best method at each measure (the object's place: median centroid error; each region: mean PSNR), and {ToyEdit.MotionGuidanceName}'s number and rank where it is not the best:");
        md.AppendLine();
        md.Append(ToyRegionTable.Verdicts(regions, ToyEdit.MotionGuidanceName));
        md.AppendLine();

        md.AppendLine($"cases.png: a row per case: {ToyCaseSheet.Panels(summary.Select(s => s.Method).ToList())}.");
        foreach (var (metric, i) in summary[0].Metrics.Select((m, i) => (m.Name, i)))
            BarChart.Write(Path.Combine(dir, $"metric{i}.png"), metric, summary.Select(s => s.Method).ToList(), summary.Select(s => s.Metrics[i].Value).ToList());
        ToyCaseSheet.Write(dir, cases, rows);
        File.WriteAllText(Path.Combine(dir, "bench.md"), md.ToString());
        MotiveJson.Write(Path.Combine(dir, "bench.json"), new { settings, summary, regions, rows });
        return md.ToString();
    }

    /// <summary>What the regions are, for reports (colours as in regions.png).</summary>
    public const string RegionsLegend =
        "Regions, from the exact truth (cases/SEED/regions.png): **uncovered** (orange) where the object was and the background must reappear; " +
        "**revealed** (magenta) a part of an object hidden in the source that must appear (behind the moved object, or the moved object's own hidden part); " +
        "**covered** (blue) where the object newly lies; **overlap** (green) the object over its own old place; **rest** (dark) outside the edit. " +
        "Each cell: mean PSNR dB / SSIM against the exact target over the cases that have the region (header: how many, their mean size); " +
        "cases without it are left out, — where none has it.";

    /// <summary>The recolouring bench's report.md and report.json (every case and the summary).</summary>
    public static string WriteRecolour(string dir, IReadOnlyList<RecolourRow> rows, GarOptions settings)
    {
        var summary = ToyRecolourBench.Summarise(rows);
        Directory.CreateDirectory(dir);
        var md = new StringBuilder();
        md.AppendLine($"# Toy text-edit benchmark: {summary[0].Cases} held-out recolourings by caption, Guide-and-Rescale ({settings.Preset}, {settings.Steps} steps, CFG {settings.Cfg?.ToString(CultureInfo.InvariantCulture) ?? "7.5"}) beside the unguided baseline");
        md.AppendLine();
        md.AppendLine("| method | colour right | recoloured share | PSNR outside (dB) | SSIM outside | s / edit |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var s in summary)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Method} | {s.ColourRight:0.00} | {s.Recoloured:0.000} | {s.PsnrOutside:0.00} | {s.SsimOutside:0.000} | {s.Seconds:0.0} |"));
        File.WriteAllText(Path.Combine(dir, "report.md"), md.ToString());
        MotiveJson.Write(Path.Combine(dir, "report.json"), new { settings, summary, rows });
        return md.ToString();
    }

    public static string WriteWordSwap(string dir, IReadOnlyList<ToyWordSwap.Score> rows, Motive.Methods.PromptToPrompt.P2pSettings settings)
    {
        Directory.CreateDirectory(dir);
        var md = new StringBuilder();
        md.AppendLine($"# Toy word-swap benchmark: {rows.Select(r => r.Seed).Distinct().Count()} held-out colour swaps by caption (the largest object), Prompt-to-Prompt with LocalBlend on the object's shape word beside regenerating without attention control; generated from the source caption, and the scene as a picture (null-text inversion)");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Settings: {settings.Steps} steps, CFG {settings.Cfg}, cross-replace {settings.CrossReplace}, self-replace {settings.SelfReplace} ({settings.SelfReplaceLevels ?? "by source"} levels), LocalBlend at the {settings.BlendLevel} level, threshold {settings.BlendThreshold}, from {settings.BlendStart} of the run, null-text {settings.InnerSteps} inner steps."));
        md.AppendLine();
        md.AppendLine("| source | method | cases | colour right | IoU with the source's object | PSNR outside (dB) | reconstruction PSNR (dB) | s / edit |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var s in ToyWordSwap.Summarise(rows))
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Mode} | {s.Method} | {s.Cases} | {s.ColourRight:0.00} | {s.IoU:0.000} | {s.PsnrOutside:0.00} | {(s.Reconstruction is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "")} | {s.Seconds:0.0} |"));
        md.AppendLine();
        md.AppendLine("s / edit: the edit's own time; a picture's first edit (Prompt-to-Prompt) includes its null-text inversion, which the baseline then reads from the cache.");

        File.WriteAllText(Path.Combine(dir, "report.md"), md.ToString());
        MotiveJson.Write(Path.Combine(dir, "report.json"), new { settings, rows });
        return md.ToString();
    }
}
