using Motive.IO.Images;
using Motive.Methods.Editing;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// What a drag leaves: result.png, summary.png (source | result, each with the handle → target arrows, red handles,
/// blue targets, the result also with the tracked handles in green), tracks.json (the handles per drag iteration
/// and the targets, in the picture's pixels), loss.png (the loss per iteration), metrics and run.json's record.
/// </summary>
public static class DragOutputs
{
    private static readonly (byte, byte, byte) Red = (230, 40, 40), Blue = (40, 90, 230), Green = (30, 200, 60), White = (255, 255, 255);

    public static EditResult Build(DragPlan plan, RgbImage source, RgbImage result, DragRunResult run, IReadOnlyList<GridPoint> handles, IReadOnlyList<GridPoint> targets,
        string loraSource, double loraSeconds, (double MeanDistance, IReadOnlyList<(int X, int Y)> Matched)? bench = null)
    {
        // Grid cells → picture pixels: the grid is half the run size, the picture may differ from the run size.
        double sx = 2.0 * plan.InputSize.Width / plan.RunSize.Width, sy = 2.0 * plan.InputSize.Height / plan.RunSize.Height;
        double[] Px(GridPoint p) => [Math.Round(p.Col * sx, 2), Math.Round(p.Row * sy, 2)];
        double Dist(GridPoint a, GridPoint b) => Math.Sqrt(Math.Pow((a.Col - b.Col) * sx, 2) + Math.Pow((a.Row - b.Row) * sy, 2));
        var update = run.Update;
        var final = update.FinalHandles;
        double before = handles.Zip(targets).Average(p => Dist(p.First, p.Second));
        double after = final.Zip(targets).Average(p => Dist(p.First, p.Second));
        var losses = update.Iterations.Select(i => i.Loss).ToList();

        var files = new List<(string, byte[])>();
        if (losses.Count > 0) files.Add(("loss.png", LinePlot.Png(losses, "DragDiffusion: loss per drag iteration", "iteration", "loss")));
        var pictures = new List<(string, RgbImage)>();
        if (plan.Request.Generate is not null) pictures.Add(("source.png", source));   // a generated picture is not among the inputs
        return new EditResult
        {
            Image = result,
            Summary = ImageStrip.Join([Overlay(source, plan.Drags, null), Overlay(result, plan.Drags, final.Select(p => (p.Col * sx, p.Row * sy)).ToList())]),
            SummaryPanels = "source | result; arrows from handles (red) to targets (blue); tracked handles at the end (green)",
            Metrics = new Dictionary<string, object?>(bench is { } b
                ? [new("dragbench_md_px", Math.Round(b.MeanDistance, 3)), new("dragbench_md_features", DragBenchScore.FeatureSource)] : [])
            {
                ["iterations"] = update.Iterations.Count, ["reached"] = update.Reached, ["handle_distance_start_px"] = Math.Round(before, 3),
                ["handle_distance_end_px"] = Math.Round(after, 3), ["lora"] = loraSource, ["lora_seconds"] = Math.Round(loraSeconds, 2),
                ["timestep"] = run.Timestep,
            },
            Record = new Dictionary<string, object?>
            {
                ["size"] = new Dictionary<string, object?> { ["input"] = $"{plan.InputSize.Width}x{plan.InputSize.Height}", ["source"] = plan.Request.Generate is null ? "picture" : "generated", ["run"] = $"{plan.RunSize.Width}x{plan.RunSize.Height}" },
                ["loss"] = losses,
                ["mask_loss"] = update.Iterations.Select(i => i.MaskLoss).ToList(),
            },
            JsonFiles = [("tracks.json", new Dictionary<string, object?>(bench is { } matched
                ? [new("dift_matched_handles", matched.Matched.Select(m => new double[] { m.X, m.Y }).ToList())] : [])
            {
                ["units"] = "picture pixels (x, y)",
                ["targets"] = targets.Select(Px).ToList(),
                ["handles_per_iteration"] = update.Iterations.Select(i => i.Handles.Select(Px).ToList()).ToList(),
                ["final_handles"] = final.Select(Px).ToList(),
            })],
            Files = files,
            Pictures = pictures,
            Work = $"{update.Iterations.Count} drag iterations{(update.Reached ? " (every handle arrived)" : "")}, LoRA {loraSource}",
            Headline = $"{handles.Count} handle{(handles.Count == 1 ? "" : "s")}: tracked distance to target {before:0.0} → {after:0.0} px"
                + (bench is { } m ? $"; DragBench mean distance (DIFT) {m.MeanDistance:0.0} px" : ""),
        };
    }

    /// <summary>The picture with each drag's arrow (white halo), red handle and blue target, and optional green tracked points.</summary>
    public static RgbImage Overlay(RgbImage picture, IReadOnlyList<Models.Flow.DragPair> drags, IReadOnlyList<(double X, double Y)>? tracked)
    {
        var c = new Canvas(picture);
        double r = Math.Max(2, Math.Min(picture.Width, picture.Height) / 80.0);
        foreach (var d in drags) c.Arrow(d.X1, d.Y1, d.X2, d.Y2, White, thickness: 1, maxHead: 3 * r);
        foreach (var d in drags) c.Arrow(d.X1, d.Y1, d.X2, d.Y2, (0, 0, 0), maxHead: 3 * r);
        foreach (var d in drags) { c.Dot(d.X1, d.Y1, r, Red); c.Dot(d.X2, d.Y2, r, Blue); }
        foreach (var (x, y) in tracked ?? []) c.Dot(x, y, r * 0.8, Green);
        return c.Image;
    }
}
