using Motive.IO.Images;
using Motive.Methods.ClassifierGuidance;
using Motive.Methods.Editing;

namespace Motive.ToyWorld.Classifier;

/// <summary>
/// One scale of a sweep: how many samples the toy judge (<see cref="ToyAttribute.Judge"/>) and the guiding
/// classifier name as the target, how many show an object at all, how well the judged object's pixels fit a toy
/// shape (mean IoU of the best fit: fidelity; a blob fits worse than a drawn square), and how different the samples
/// are from one another (mean RMS pixel distance over pairs, 0–1: diversity).
/// </summary>
public sealed record SweepPoint(double Scale, int Samples, double JudgeRate, double ClassifierRate, double DrawnRate, double ShapeFit, double Diversity, double Seconds);

/// <summary>
/// Classifier guidance on the toy model judged by the toy world: for each scale, one run of the method through the
/// one run path (<see cref="EditRun"/>, into OUT/scale-S) with the same seeds, its samples judged by the toy judge.
/// What shows the trade-off the classifier-guidance slides describe: the target rate rises with the scale, and
/// diversity (and, far enough, fidelity) falls. With <c>reuse</c>, a scale's folder whose run.json records the same
/// request is judged again instead of rerun (<see cref="SweepReuse"/>).
/// </summary>
public static class GuidanceSweep
{
    /// <summary>The settings a sweep's scales run with (on the embedded model): the request's, over the model's preset, over the method's reference.</summary>
    public static ClassifierGuidanceOptions Resolved(ClassifierGuidanceRequest request) =>
        SettingsLayers.Over(request.Settings, new ClassifierGuidanceMethod().Defaults(null));

    public static List<SweepPoint> Run(ClassifierGuidanceRequest request, IReadOnlyList<double> scales, string outDir, EditModels models,
        Action<string>? note = null, Action<EditProgress>? progress = null, CancellationToken cancel = default, bool reuse = false)
    {
        var attribute = ToyAttribute.Colour;
        var points = new List<SweepPoint>();
        foreach (var scale in scales)
        {
            cancel.ThrowIfCancellationRequested();
            var r = request with { Settings = request.Settings with { Scale = scale } };
            var dir = Path.Combine(outDir, $"scale-{scale:0.###}");
            int n;
            double classifierRate, seconds;
            if (reuse && SweepReuse.Recorded(r, dir) is { } recorded)
                (n, classifierRate, seconds) = recorded;
            else
            {
                using var run = EditRun.Plan(r, new FileInputs(), models);
                var outcome = run.Run(dir, new EditRunOptions(progress, cancel));
                (n, classifierRate, seconds) = (Convert.ToInt32(outcome.Metrics["samples"]), Convert.ToDouble(outcome.Metrics["classifier_target_fraction"]), outcome.Elapsed.TotalSeconds);
            }
            var pictures = Enumerable.Range(0, n).Select(k => ImageReader.Read(Path.Combine(dir, ClassifierGuidanceOutputs.SampleFile(k)))).ToList();
            points.Add(Judge(scale, r.Target, pictures, classifierRate, seconds, attribute));
            note?.Invoke(Line(points[^1], r.Target));
        }
        return points;
    }

    /// <summary>The toy judge's numbers for one scale's pictures.</summary>
    public static SweepPoint Judge(double scale, string target, IReadOnlyList<RgbImage> pictures, double classifierRate, double seconds, ToyAttribute attribute)
    {
        var planar = pictures.Select(Planar).ToList();
        var judged = planar.Select((p, k) => ToyAttribute.Judge(p, pictures[k].Width, pictures[k].Height)).ToList();
        string? Of((string? Colour, string? Shape, double Fit) j) => attribute == ToyAttribute.Shape ? j.Shape : j.Colour;
        double judgeRate = judged.Count(j => Of(j) == target) / (double)pictures.Count;
        var drawn = judged.Where(j => j.Colour is not null).ToList();
        return new SweepPoint(scale, pictures.Count, judgeRate, classifierRate, drawn.Count / (double)pictures.Count,
            drawn.Count == 0 ? 0 : drawn.Average(j => j.Fit), Diversity(planar), seconds);
    }

    /// <summary>Mean over pairs of samples of the RMS difference of their pixels (0 = all alike).</summary>
    public static double Diversity(IReadOnlyList<float[]> pictures)
    {
        double total = 0;
        int pairs = 0;
        for (int a = 0; a < pictures.Count; a++)
            for (int b = a + 1; b < pictures.Count; b++)
            {
                double sum = 0;
                for (int i = 0; i < pictures[a].Length; i++) { double d = pictures[a][i] - pictures[b][i]; sum += d * d; }
                total += Math.Sqrt(sum / pictures[a].Length);
                pairs++;
            }
        return pairs == 0 ? 0 : total / pairs;
    }

    /// <summary>A picture as planar RGB in [0,1], what the toy measures read.</summary>
    public static float[] Planar(RgbImage image)
    {
        int n = image.Width * image.Height;
        var planar = new float[3 * n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++) planar[c * n + i] = image.Pixels[i * 3 + c] / 255f;
        return planar;
    }

    public static string Line(SweepPoint p, string target) =>
        $"scale {p.Scale,6:0.###}: toy judge {p.JudgeRate,6:P0} {target}, classifier {p.ClassifierRate,6:P0}, object drawn {p.DrawnRate,6:P0}, shape fit {p.ShapeFit:0.000}, diversity {p.Diversity:0.000} ({p.Seconds:0} s)";

    /// <summary>The sweep as a Markdown table.</summary>
    public static string Table(IReadOnlyList<SweepPoint> points, string target) =>
        $"| scale | toy judge: {target} | classifier: {target} | object drawn | shape fit (IoU) | diversity (RMS) | samples | time s |\n|---|---|---|---|---|---|---|---|\n" +
        string.Concat(points.Select(p => $"| {p.Scale:0.###} | {p.JudgeRate:P0} | {p.ClassifierRate:P0} | {p.DrawnRate:P0} | {p.ShapeFit:0.000} | {p.Diversity:0.000} | {p.Samples} | {p.Seconds:0} |\n"));

    /// <summary>Target rates, fidelity and diversity against the scale (one tick per scale, evenly spaced).</summary>
    public static byte[] Plot(IReadOnlyList<SweepPoint> points, string target)
    {
        var plot = new ScottPlot.Plot();
        var xs = Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray();
        void Line(string label, Func<SweepPoint, double> y)
        {
            var s = plot.Add.Scatter(xs, points.Select(y).ToArray());
            s.LegendText = label;
            s.MarkerSize = 5;
        }
        Line($"toy judge: {target}", p => p.JudgeRate);
        Line($"classifier: {target}", p => p.ClassifierRate);
        Line("shape fit (IoU)", p => p.ShapeFit);
        Line("diversity (RMS × 4)", p => Math.Min(1, 4 * p.Diversity));
        plot.Axes.Bottom.SetTicks(xs, points.Select(p => p.Scale.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Title($"Classifier guidance on the toy model: target {target}, {points[0].Samples} samples a scale");
        plot.XLabel("guidance scale");
        plot.YLabel("rate / measure");
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        return plot.GetImageBytes(720, 400, ScottPlot.ImageFormat.Png);
    }
}
