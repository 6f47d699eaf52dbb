using Motive.Methods.Editing;
using Motive.Methods.GuideAndRescale;
using Motive.Methods.PromptToPrompt;

namespace Motive.ToyWorld.Evaluation;

/// <summary>
/// `motive eval toy` in the library: one of the toy evaluations on held-out scenes, its cases run and scored against
/// the world's truth, its report written (<see cref="ToyReport"/>). <see cref="Prepare"/> checks everything and loads
/// the models; <see cref="Run"/> reports progress in <see cref="Unit"/> up to <see cref="Total"/>.
/// </summary>
public sealed class ToyEval : IDisposable
{
    /// <summary>The evaluations, by name: what each one compares (for help texts).</summary>
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["motion-guidance"] = "moves, scalings, turns (--set); Motion Guidance beside no guidance, a forward warp, warp + inpaint and, on the moves, DragDiffusion (run as a resumable batch in the report folder)",
        ["drag"] = "moves (--set), DragDiffusion beside Motion Guidance, no guidance and a forward warp on each (a resumable batch, as motion-guidance's)",
        ["gar"] = "recolourings by caption, Guide-and-Rescale beside the unguided baseline",
        ["p2p"] = "colour word swaps by caption, generated and as pictures (null-text inversion), Prompt-to-Prompt beside regenerating without attention control",
    };

    public const string DefaultKind = "motion-guidance";

    /// <summary>The case sets (--set), for help texts.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sets = new Dictionary<string, string>
    {
        [ToyCaseSets.RandomSet] = "held-out scenes from --seed on, a random edit each (drag: a random move)",
        [ToyCaseSets.RegionsSet] = "a fixed held-out set of edits a warp cannot do, kinds in turn: " + string.Join(", ", ToyCaseSets.RegionKinds) +
                                   " (--seed: the first case of the set; drag runs its moves); motion-guidance and drag only",
    };

    private readonly string kind;
    private readonly int cases, first;
    private readonly ToyOverrides overrides;
    private readonly ToyModels models;
    private readonly IReadOnlyList<ToyCase> toyCases;   // the Motion Guidance and drag evaluations' cases; the others pick their own

    private readonly IReadOnlyList<string>? methods;   // which of the bench's methods run beside Motion Guidance (null: all)

    private ToyEval(string kind, int cases, int first, ToyOverrides overrides, ToyModels models, IReadOnlyList<ToyCase> toyCases, IReadOnlyList<string>? methods)
    {
        (this.kind, this.cases, this.first, this.overrides, this.models, this.toyCases, this.methods) = (kind, cases, first, overrides, models, toyCases, methods);
    }

    /// <summary>
    /// Checks the evaluation's inputs and settings (one error naming the option), then loads the toy models.
    /// <paramref name="set"/> picks the cases of the Motion Guidance and drag evaluations (<see cref="Sets"/>);
    /// <paramref name="methods"/> which of the Motion Guidance bench's methods run beside it (null: all).
    /// </summary>
    public static ToyEval Prepare(string kind, int cases, int first, ToyOverrides overrides, string set = ToyCaseSets.RandomSet, IReadOnlyList<string>? methods = null)
    {
        if (cases < 1) throw new ArgumentException("--n must be at least 1");
        if (first < 0) throw new ArgumentException("--seed must be at least 0");
        if (!Kinds.ContainsKey(kind)) throw new ArgumentException($"--method must be {string.Join(", ", Kinds.Keys.SkipLast(1))} or {Kinds.Keys.Last()}, not '{kind}'");
        if (!Sets.ContainsKey(set)) throw new ArgumentException($"--set must be {string.Join(" or ", Sets.Keys)}, not '{set}'");
        if (set != ToyCaseSets.RandomSet && kind is not (DefaultKind or "drag"))
            throw new ArgumentException($"--set {set} runs with --method {DefaultKind} or drag, not {kind}");
        if (methods is not null && kind != DefaultKind) throw new ArgumentException($"--methods chooses among the {DefaultKind} bench's methods, not {kind}'s");
        try { ToyBenchBatch.Chosen(methods); }
        catch (ArgumentException e) { throw new ArgumentException("--methods: " + e.Message); }

        if (kind == "gar") RecolourSettings(overrides.Model).ToConfig();
        else if (kind == "p2p") WordSwapSettings(overrides.Model);
        else overrides.Resolved();
        IReadOnlyList<ToyCase> toyCases = (kind, set) switch
        {
            ("drag", ToyCaseSets.RegionsSet) => ToyCaseSets.Regions(cases, first).Where(c => c.Edit.Kind == Scenes.EditKind.Move).ToList(),
            ("drag", _) => ToyBench.Moves(cases, first),
            (DefaultKind, ToyCaseSets.RegionsSet) => ToyCaseSets.Regions(cases, first),
            (DefaultKind, _) => ToyCaseSets.Random(cases, first),
            _ => [],
        };
        if (kind == "drag" && toyCases.Count == 0) throw new ArgumentException($"--set {set} --n {cases} --seed {first} holds no move for drag to run");
        if (kind == "drag") methods = [ToyEdit.NoGuidanceName, ToyEdit.ForwardWarpName, ToyBench.DragName];
        return new ToyEval(kind, cases, first, overrides, ToyModels.Load(overrides.Model, overrides.Raft), toyCases, methods);
    }

    /// <summary>Progress is counted in these: batch items for the Motion Guidance and drag benches, cases otherwise.</summary>
    public long Total => kind switch
    {
        DefaultKind or "drag" => ToyBenchBatch.ItemCount(toyCases, methods),
        "p2p" => 2 * cases,
        _ => cases,
    };

    public string Unit => kind is DefaultKind or "drag" ? "items" : kind == "p2p" ? "cases × sources" : "edits";

    /// <summary>Runs the evaluation, writes its report into <paramref name="dir"/> and returns the report's Markdown.</summary>
    public string Run(string dir, Action<int>? progress = null, CancellationToken cancel = default)
    {
        switch (kind)
        {
            case "gar":
            {
                var settings = RecolourSettings(overrides.Model);
                var rows = ToyRecolourBench.Run(models, cases, first, settings, (d, _) => progress?.Invoke(d), cancel);
                return ToyReport.WriteRecolour(dir, rows, settings);
            }
            case "p2p":
            {
                var settings = WordSwapSettings(overrides.Model);
                var rows = ToyWordSwap.RunAll(models, cases, first, settings, dir, progress, cancel);
                return ToyReport.WriteWordSwap(dir, rows, settings);
            }
            default:
            {
                // Motion Guidance's bench (and drag's, its moves) is a batch: a manifest of the cases in DIR, run (and resumed) like any, reported with the truth.
                var settings = overrides.Resolved();
                var rows = ToyBenchBatch.Run(models, dir, toyCases, settings, methods, (k, _, _) => progress?.Invoke(k), cancel: cancel);

                ToyBenchBatch.Report(dir, rows);
                return ToyReport.WriteBench(dir, rows, settings, toyCases);
            }
        }
    }

    /// <summary>The recolouring bench runs Guide-and-Rescale at the model's preset (the toy overrides are Motion Guidance's).</summary>
    private static GarOptions RecolourSettings(string? model) => SettingsLayers.Over(new GarOptions(), new GarMethod().Defaults(model));

    /// <summary>The word swaps run Prompt-to-Prompt at the model's preset, checked on a sample caption pair.</summary>
    public static P2pSettings WordSwapSettings(string? model)
    {
        var settings = SettingsLayers.Over(new P2pSettings(), new P2pMethod().Defaults(model));
        settings.Check("a blue square", "a red square");
        return settings with { Edit = "replace" };
    }

    public void Dispose() => models.Dispose();
}
