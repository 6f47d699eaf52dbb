using Motive.IO.Images;
using Motive.IO.Json;
using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;
using Motive.Methods.WarpInpaint;
using Motive.Models.Raft;
using Motive.ToyWorld.Scenes;
using Motive.Batch;
using System.Text.Json.Nodes;

using static TorchSharp.torch;

namespace Motive.ToyWorld.Evaluation;

/// <summary>
/// The toy-world bench as a batch (`motive eval toy`): a manifest of held-out cases, each a batch item per method that
/// runs as an edit (<see cref="Methods"/>: Motion Guidance with the case's exact flow and its no-guidance twin, guidance
/// weight 0, same seed; warp + inpaint on the same inputs; DragDiffusion on the moves); run like any manifest
/// (resumable, shardable); then every item scored against the world's truth, with its seconds, and the methods computed
/// from the truth (the forward warp) beside them. The folder holds toy-bench.json
/// (which case each item is, with its edit), so `motive batch report` adds the truth's measures.
/// </summary>
public static class ToyBenchBatch
{
    public const string SpecFile = "toy-bench.json", ManifestFile = "manifest.jsonl";

    /// <summary>
    /// A case of the bench: its scene seed, its Motion Guidance and no-guidance items (<see cref="ItemId"/>'s, named
    /// here as folders written before <see cref="Methods"/> name them), its kind in a case set and its edit (null in
    /// folders written before the edit was recorded: the seed's random edit).
    /// </summary>
    public sealed record Case(int Seed, string Guided, string Unguided, string? Kind = null, SceneEdit? Edit = null)
    {
        public ToyCase ToCase() => Edit is { } edit ? ToyCase.Of(Seed, edit, Kind) : ToyCase.Random(Seed);
    }

    /// <summary>The bench's cases and which of <see cref="Methods"/> it runs (null, as folders written before the choice: all).</summary>
    public sealed record Spec(IReadOnlyList<Case> Cases, IReadOnlyList<string>? Methods = null);

    /// <summary>What a method's batch item is made from: the case, its Motion Guidance request (its inputs, caption, seed and settings) and the folder of its inputs, relative to the bench folder <paramref name="Dir"/>.</summary>
    public sealed record ItemInputs(ToyCase Case, MotionGuidanceRequest Guided, string Dir, string Inputs);

    /// <summary>
    /// A method the bench scores: a batch item per case it <see cref="AppliesTo"/>, or a picture computed from the case's truth.
    /// <paramref name="Applies"/> null: every case.
    /// </summary>
    public sealed record Method(string Name, Func<ItemInputs, EditRequest>? Item = null, Func<ToyCase, float[]>? Picture = null, Func<ToyCase, bool>? Applies = null)
    {
        public bool AppliesTo(ToyCase c) => Applies?.Invoke(c) ?? true;
    }

    /// <summary>The methods, in the tables' order. A method is one line here; its item is case-SEED-NAME.</summary>
    public static readonly IReadOnlyList<Method> Methods =
    [
        new(ToyEdit.MotionGuidanceName, Item: i => i.Guided),
        new(ToyEdit.NoGuidanceName, Item: i => i.Guided with { Settings = i.Guided.Settings with { GuidanceWeight = 0 } }),
        new(ToyEdit.ForwardWarpName, Picture: ToyEdit.ForwardWarped),
        new(WarpInpaintName, Item: i => new WarpInpaintRequest { Model = i.Guided.Model, Seed = i.Guided.Seed, Image = ((ImageSource)i.Guided.Source).Image, Motion = i.Guided.Motion, Prompt = i.Guided.Prompt }),
        // DragDiffusion drags a point, so it takes the moves only, at the model's drag preset.
        new(ToyBench.DragName, Item: i => ToyDrag.Of(i.Case).Write(Path.Combine(i.Dir, i.Inputs), prefix: i.Inputs) with { Model = i.Guided.Model }, Applies: c => c.Edit.Kind == EditKind.Move),
    ];

    /// <summary>The warp-then-inpaint method at the model's preset, on the case's picture, exact flow and caption.</summary>
    public const string WarpInpaintName = "warp-inpaint";

    /// <summary>The batch item of a case and method.</summary>
    public static string ItemId(int seed, string method) => $"case-{seed}-{method}";

    /// <summary>
    /// The methods named (null: all), in the tables' order; Motion Guidance is always among them (the bench measures
    /// the others beside it). An unknown name is refused.
    /// </summary>
    public static IReadOnlyList<Method> Chosen(IReadOnlyList<string>? names)
    {
        if (names is null) return Methods;
        var unknown = names.Where(n => Methods.All(m => m.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"the bench has no method '{unknown[0]}'; it runs {string.Join(", ", Methods.Select(m => m.Name))}");
        return Methods.Where(m => m.Name == ToyEdit.MotionGuidanceName || names.Contains(m.Name)).ToList();
    }

    /// <summary>How many batch items the cases have with the methods named (null: all).</summary>
    public static int ItemCount(IEnumerable<ToyCase> cases, IReadOnlyList<string>? methods = null)
    {
        var chosen = Chosen(methods);
        return cases.Sum(c => chosen.Count(m => m.Item is not null && m.AppliesTo(c)));
    }

    /// <summary>Writes each case's inputs (cases/SEED/), the manifest and the spec into <paramref name="dir"/>; the items of the methods named (null: all).</summary>
    public static IReadOnlyList<ManifestItem> Write(string dir, ToyModels models, IReadOnlyList<ToyCase> cases, MotionGuidanceOptions settings, IReadOnlyList<string>? methods = null)
    {
        var chosen = Chosen(methods);
        var items = new List<ManifestItem>();
        var spec = new List<Case>();
        foreach (var c in cases)
        {
            var inputs = Path.Combine("cases", c.Seed.ToString());
            ToyEdit.WriteInputs(c, Path.Combine(dir, inputs));
            var guided = ToyEdit.RequestFor(models, c, settings, inputs);
            foreach (var m in chosen)
                if (m.Item is { } item && m.AppliesTo(c)) items.Add(new ManifestItem(ItemId(c.Seed, m.Name), item(new ItemInputs(c, guided, dir, inputs))));
            spec.Add(new Case(c.Seed, ItemId(c.Seed, ToyEdit.MotionGuidanceName), ItemId(c.Seed, ToyEdit.NoGuidanceName), c.Set, c.Edit));
        }
        Manifest.Write(Path.Combine(dir, ManifestFile), items);
        MotiveJson.Write(Path.Combine(dir, SpecFile), new Spec(spec, methods is null ? null : chosen.Select(m => m.Name).ToList()));
        return items;
    }

    public static bool Is(string dir) => File.Exists(Path.Combine(dir, SpecFile));

    /// <summary>The cases of a bench folder (its spec).</summary>
    public static IReadOnlyList<Case> Cases(string dir) => MotiveJson.Read<Spec>(Path.Combine(dir, SpecFile)).Cases;

    /// <summary>The methods a bench folder runs (its spec).</summary>
    public static IReadOnlyList<Method> MethodsOf(string dir) => Chosen(MotiveJson.Read<Spec>(Path.Combine(dir, SpecFile)).Methods);

    /// <summary>
    /// Every finished case of a bench folder scored against its truth: each method's picture (its item's result, or
    /// computed), measured by <paramref name="raft"/> at the run's own settings.
    /// </summary>
    public static List<ToyBenchRow> Score(string dir, RaftModel raft)
    {
        var rows = new List<ToyBenchRow>();
        var chosen = MethodsOf(dir);
        foreach (var entry in Cases(dir))
        {
            string ItemDir(string method) => BatchRun.ItemDir(dir, ItemId(entry.Seed, method));
            var c = entry.ToCase();
            var methods = chosen.Where(m => m.AppliesTo(c)).ToList();
            if (methods.Any(m => m.Item is not null && !File.Exists(Path.Combine(ItemDir(m.Name), "run.json")))) continue;
            var request = (MotionGuidanceRequest)EditJson.Read(Path.Combine(ItemDir(ToyEdit.MotionGuidanceName), "run.json"));
            var settings = request.Settings.ToSettings(name => Path.Combine(dir, name));
            using var scope = NewDisposeScope();
            var source = ImageTensors.ToTensorPm1(c.Truth.SourceRender.ToRgb());
            var flow = tensor(c.Truth.Flow).view(2, c.Height, c.Width);
            foreach (var m in methods)
            {
                var image = m.Item is not null ? Picture(ItemDir(m.Name)) : m.Picture!(c);
                using var outcome = ToyEdit.Measure(raft, c, m.Name, image, source, flow, settings);
                rows.Add(new ToyBenchRow(c.Seed, c.Description, m.Name, outcome.Score, c.Kind, image, m.Item is not null ? Seconds(ItemDir(m.Name)) : null));
            }
        }
        return rows;
    }

    /// <summary>The bench from start to end in <paramref name="dir"/>: write, run (what is already there is kept), score.</summary>
    public static List<ToyBenchRow> Run(ToyModels models, string dir, IReadOnlyList<ToyCase> cases, MotionGuidanceOptions settings, IReadOnlyList<string>? methods = null,
        Action<int, int, ManifestItem>? report = null, Action<EditProgress>? progress = null, CancellationToken cancel = default)
    {
        var items = Write(dir, models, cases, settings, methods);

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
        return WithTruth(report, Score(dir, raft));
    }

    /// <summary>The batch report of a bench folder whose truth was already scored (<paramref name="rows"/>, as <see cref="Run"/> returns them).</summary>
    public static BatchReport.Report Report(string dir, IReadOnlyList<ToyBenchRow> rows) =>
        BatchReport.Write(dir, report => WithTruth(report, rows));

    /// <summary>The toy truth's measures of an item, as columns.</summary>
    public static IReadOnlyDictionary<string, double> TruthColumns(ToyEditScore s) => new Dictionary<string, double>
    {
        ["truth_centroid_error"] = s.CentroidError, ["truth_iou"] = s.IoU, ["truth_psnr"] = s.Psnr, ["truth_psnr_outside"] = s.PsnrOutside, ["truth_ssim_outside"] = s.SsimOutside,
    };

    /// <summary>The report with the bench's scores (<see cref="Score"/>): per item as columns, and per method (the computed ones included) as its truth section.</summary>
    public static BatchReport.Report WithTruth(BatchReport.Report r, IReadOnlyList<ToyBenchRow> truth)
    {
        var ids = r.Items.Select(i => i.Id).ToHashSet();
        var byItem = truth.Select(t => (Id: ItemId(t.Seed, t.Method), t.Score)).Where(t => ids.Contains(t.Id)).ToDictionary(t => t.Id, t => t.Score);
        var items = r.Items.Select(i => byItem.TryGetValue(i.Id, out var s)
            ? i with { Metrics = i.Metrics.Concat(TruthColumns(s)).ToDictionary(p => p.Key, p => p.Value) } : i).ToList();
        var columns = r.MetricColumns.Concat(byItem.Count > 0 ? TruthColumns(byItem.Values.First()).Keys : []).ToList();
        var summary = ToyBench.Summarise(truth);
        return r with { Items = items, MetricColumns = columns, Truth = summary, TruthMarkdown = summary.Count > 0 ? ToyReport.TruthSection(summary) : null };
    }

    private static float[] Picture(string itemDir) => ToyEdit.Planar(ImageReader.Read(Path.Combine(itemDir, "result.png")));

    /// <summary>How long an item's edit ran (its run.json's record).</summary>
    private static double? Seconds(string itemDir) => EditJson.ElapsedSeconds(JsonNode.Parse(File.ReadAllText(Path.Combine(itemDir, "run.json"))));
}
