using Motive.Methods.DragDiffusion;
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
        ["motion-guidance"] = "random moves, scalings, turns; Motion Guidance beside no guidance and a forward warp (run as a resumable batch in the report folder)",
        ["drag"] = "random moves, DragDiffusion beside Motion Guidance on each",
        ["gar"] = "recolourings by caption, Guide-and-Rescale beside the unguided baseline",
        ["p2p"] = "colour word swaps by caption, generated and as pictures (null-text inversion), Prompt-to-Prompt beside regenerating without attention control",
    };

    public const string DefaultKind = "motion-guidance";

    private readonly string kind;
    private readonly int cases, first;
    private readonly ToyOverrides overrides;
    private readonly ToyModels models;

    private ToyEval(string kind, int cases, int first, ToyOverrides overrides, ToyModels models)
    {
        (this.kind, this.cases, this.first, this.overrides, this.models) = (kind, cases, first, overrides, models);
    }

    /// <summary>Checks the evaluation's inputs and settings (one error naming the option), then loads the toy models.</summary>
    public static ToyEval Prepare(string kind, int cases, int first, ToyOverrides overrides)
    {
        if (cases < 1) throw new ArgumentException("--n must be at least 1");
        if (!Kinds.ContainsKey(kind)) throw new ArgumentException($"--method must be {string.Join(", ", Kinds.Keys.SkipLast(1))} or {Kinds.Keys.Last()}, not '{kind}'");
        if (kind == "gar") RecolourSettings(overrides.Model).ToConfig();
        else if (kind == "p2p") WordSwapSettings(overrides.Model);
        else overrides.Resolved();
        return new ToyEval(kind, cases, first, overrides, ToyModels.Load(overrides.Model, overrides.Raft));
    }

    /// <summary>Progress is counted in these: batch items for the Motion Guidance bench (two a case), cases otherwise.</summary>
    public long Total => kind is DefaultKind or "p2p" ? 2 * cases : cases;

    public string Unit => kind == DefaultKind ? "items" : kind == "p2p" ? "cases × sources" : "edits";

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
            case "drag":
            {
                var settings = overrides.Resolved();
                var rows = ToyBench.RunWithDrag(models, cases, first, settings, new DragOptions(), (d, _) => progress?.Invoke(d), cancel);
                return ToyReport.WriteBench(dir, rows, settings);
            }
            default:
            {
                // Motion Guidance's bench is a batch: a manifest of the cases in DIR, run (and resumed) like any, reported with the truth.
                var settings = overrides.Resolved();
                var rows = ToyBenchBatch.Run(models, dir, cases, first, settings, (k, _, _) => progress?.Invoke(k), cancel: cancel);
                ToyBenchBatch.Report(dir, rows);
                return ToyReport.WriteBench(dir, rows, settings);
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
