using Motive.IO.Images;
using Motive.IO.Json;
using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;
using Motive.Models.Raft;
using Motive.ToyWorld.Scenes;
using Motive.Batch;
using static TorchSharp.torch;

namespace Motive.ToyWorld.Evaluation;

/// <summary>
/// The toy-world bench as a batch (`motive eval toy`): a manifest of held-out cases, each a Motion Guidance item
/// with the case's exact flow and its no-guidance twin (guidance weight 0, same seed); run like any manifest
/// (resumable, shardable); then every item scored against the world's truth, with the forward warp beside them.
/// The folder holds toy-bench.json (which case each item is), so `motive batch report` adds the truth's measures.
/// </summary>
public static class ToyBenchBatch
{
    public const string SpecFile = "toy-bench.json", ManifestFile = "manifest.jsonl";

    /// <summary>A case of the bench: its scene seed and its two items.</summary>
    public sealed record Case(int Seed, string Guided, string Unguided);

    public sealed record Spec(IReadOnlyList<Case> Cases);

    /// <summary>Writes each case's inputs (cases/SEED/), the manifest and the spec into <paramref name="dir"/>; the items.</summary>
    public static IReadOnlyList<ManifestItem> Write(string dir, ToyModels models, int cases, int firstCase, MotionGuidanceOptions settings)
    {
        var items = new List<ManifestItem>();
        var spec = new List<Case>();
        for (int i = 0; i < cases; i++)
        {
            var c = ToyCase.Random(HeldOut.SceneSeed(firstCase + i));
            var inputs = Path.Combine("cases", c.Seed.ToString());
            ToyEdit.WriteInputs(c, Path.Combine(dir, inputs));
            var guided = ToyEdit.RequestFor(models, c, settings, inputs);
            var entry = new Case(c.Seed, $"case-{c.Seed}-{ToyEdit.MotionGuidanceName}", $"case-{c.Seed}-{ToyEdit.NoGuidanceName}");
            items.Add(new ManifestItem(entry.Guided, guided));
            items.Add(new ManifestItem(entry.Unguided, guided with { Settings = settings with { GuidanceWeight = 0 } }));
            spec.Add(entry);
        }
        Manifest.Write(Path.Combine(dir, ManifestFile), items);
        MotiveJson.Write(Path.Combine(dir, SpecFile), new Spec(spec));
        return items;
    }

    public static bool Is(string dir) => File.Exists(Path.Combine(dir, SpecFile));

    /// <summary>The cases of a bench folder (its spec).</summary>
    public static IReadOnlyList<Case> Cases(string dir) => MotiveJson.Read<Spec>(Path.Combine(dir, SpecFile)).Cases;

    /// <summary>
    /// Every finished case of a bench folder scored against its truth: the two items' results and the forward warp,
    /// measured by <paramref name="raft"/> at the run's own settings.
    /// </summary>
    public static List<ToyBenchRow> Score(string dir, RaftModel raft)
    {
        var rows = new List<ToyBenchRow>();
        foreach (var entry in Cases(dir))
        {
            string guidedDir = BatchRun.ItemDir(dir, entry.Guided), unguidedDir = BatchRun.ItemDir(dir, entry.Unguided);
            if (!File.Exists(Path.Combine(guidedDir, "run.json")) || !File.Exists(Path.Combine(unguidedDir, "run.json"))) continue;
            var c = ToyCase.Random(entry.Seed);
            var request = (MotionGuidanceRequest)EditJson.Read(Path.Combine(guidedDir, "run.json"));
            var settings = request.Settings.ToSettings(name => Path.Combine(dir, name));
            using var scope = NewDisposeScope();
            var source = ImageTensors.ToTensorPm1(c.Truth.SourceRender.ToRgb());
            var flow = tensor(c.Truth.Flow).view(2, c.Height, c.Width);
            foreach (var (method, image) in new[]
                     {
                         (ToyEdit.MotionGuidanceName, Picture(guidedDir)), (ToyEdit.NoGuidanceName, Picture(unguidedDir)), (ToyEdit.ForwardWarpName, ToyEdit.ForwardWarped(c)),
                     })
            {
                using var outcome = ToyEdit.Measure(raft, c, method, image, source, flow, settings);
                rows.Add(new ToyBenchRow(c.Seed, c.Description, method, outcome.Score));
            }
        }
        return rows;
    }

    /// <summary>The bench from start to end in <paramref name="dir"/>: write, run (what is already there is kept), score.</summary>
    public static List<ToyBenchRow> Run(ToyModels models, string dir, int cases, int firstCase, MotionGuidanceOptions settings,
        Action<int, int, ManifestItem>? report = null, Action<EditProgress>? progress = null, CancellationToken cancel = default)
    {
        var items = Write(dir, models, cases, firstCase, settings);
        var summary = BatchRun.Run(items, dir, Shard.All, models.Models, new FileInputs(dir), report, progress, cancel);
        if (summary.Items.FirstOrDefault(i => i.Outcome == ItemOutcome.Failed) is { Id: not null } failed)
            throw new InvalidOperationException($"toy bench item {failed.Id} failed: {failed.Error}");
        return Score(dir, models.Raft);
    }

    /// <summary>
    /// What `motive batch report` adds to a bench folder's report: the truth's measures, with the RAFT the run used
    /// (the guided items' "raft"; null = the embedded toy RAFT).
    /// </summary>
    public static BatchReport.Report WithTruth(string dir, BatchReport.Report report)
    {
        var cases = Cases(dir);
        var first = cases.Select(c => Path.Combine(BatchRun.ItemDir(dir, c.Guided), "run.json")).FirstOrDefault(File.Exists);
        if (first is null) return report;
        using var models = new EditModels();
        var raft = models.Raft(((MotionGuidanceRequest)EditJson.Read(first)).Raft);
        return WithTruth(report, Score(dir, raft), cases);
    }

    /// <summary>The batch report of a bench folder whose truth was already scored (<paramref name="rows"/>, as <see cref="Run"/> returns them).</summary>
    public static BatchReport.Report Report(string dir, IReadOnlyList<ToyBenchRow> rows) =>
        BatchReport.Write(dir, report => WithTruth(report, rows, Cases(dir)));

    /// <summary>The toy truth's measures of an item, as columns.</summary>
    public static IReadOnlyDictionary<string, double> TruthColumns(ToyEditScore s) => new Dictionary<string, double>
    {
        ["truth_centroid_error"] = s.CentroidError, ["truth_iou"] = s.IoU, ["truth_psnr"] = s.Psnr, ["truth_psnr_outside"] = s.PsnrOutside, ["truth_ssim_outside"] = s.SsimOutside,
    };

    /// <summary>The report with the bench's scores (<see cref="Score"/>): per item as columns, and per method (the forward warp included) as its truth section.</summary>
    public static BatchReport.Report WithTruth(BatchReport.Report r, IReadOnlyList<ToyBenchRow> truth, IReadOnlyList<Case> cases)
    {
        var byItem = new Dictionary<string, ToyEditScore>();
        foreach (var c in cases)
            foreach (var row in truth.Where(t => t.Seed == c.Seed))
            {
                if (row.Method == ToyEdit.MotionGuidanceName) byItem[c.Guided] = row.Score;
                if (row.Method == ToyEdit.NoGuidanceName) byItem[c.Unguided] = row.Score;
            }
        var items = r.Items.Select(i => byItem.TryGetValue(i.Id, out var s)
            ? i with { Metrics = i.Metrics.Concat(TruthColumns(s)).ToDictionary(p => p.Key, p => p.Value) } : i).ToList();
        var columns = r.MetricColumns.Concat(byItem.Count > 0 ? TruthColumns(byItem.Values.First()).Keys : []).ToList();
        var summary = ToyBench.Summarise(truth);
        return r with { Items = items, MetricColumns = columns, Truth = summary, TruthMarkdown = summary.Count > 0 ? ToyReport.TruthSection(summary) : null };
    }

    private static float[] Picture(string itemDir) => ToyEdit.Planar(ImageReader.Read(Path.Combine(itemDir, "result.png")));
}
