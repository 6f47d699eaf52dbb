using System.CommandLine;
using System.Globalization;
using System.Text;
using Motive.IO.Json;
using Motive.Methods.Editing;
using Motive.Methods.GuideAndRescale;
using Motive.Methods.MotionGuidance;
using Motive.Batch;
using Motive.Cli.Progress;
using Motive.ToyWorld;
using Motive.Training.Reports;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive eval toy`: the ground-truth edit evaluation on held-out toy scenes (see <see cref="ToyBench"/>), a measure of
/// quality (`motive bench` measures speed); writes bench.md, bench.json (every case and the summary) and one bar chart per
/// metric (report.md / report.json for --method gar). `motive bench toy`, its old spelling, still runs it, hidden, and
/// names the new one on stderr.
/// </summary>
public static class EvalToyCommand
{
    /// <summary>`motive eval toy`.</summary>
    public static Command Create() => Build(oldSpelling: false);

    /// <summary>`motive bench toy`: the same command, hidden from help, with a note on stderr.</summary>
    public static Command OldSpelling()
    {
        var cmd = Build(oldSpelling: true);
        cmd.Hidden = true;
        return cmd;
    }

    private static Command Build(bool oldSpelling)
    {
        var n = new Option<int>("--n") { DefaultValueFactory = _ => 50, Description = "Number of held-out edits." };
        var first = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Index of the first held-out scene (scene seed 2·S+1)." };
        var method = new Option<string>("--method") { DefaultValueFactory = _ => "motion-guidance", Description = "motion-guidance (random moves, scalings, turns); drag: random moves, DragDiffusion beside Motion Guidance on each; gar: recolourings by caption, Guide-and-Rescale beside the unguided baseline." };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => Path.Combine("out", "eval-toy"), Description = "Report folder." };
        var cmd = new Command("toy", "Ground-truth edit evaluation on held-out toy scenes: Motion Guidance vs no guidance vs a forward warp.")
            { n, first, method, output };
        var toy = new ToyRunOptions();
        toy.AddTo(cmd);
        cmd.SetAction((r, cancel) =>
        {
            if (oldSpelling) r.InvocationConfiguration.Error.WriteLine("motive: 'bench toy' is now 'eval toy' (bench measures speed); running it");
            int cases = r.GetValue(n);
            if (cases < 1) throw new ArgumentException("--n must be at least 1");
            var which = r.GetValue(method);
            if (which is not ("motion-guidance" or "drag" or "gar")) throw new ArgumentException($"--method must be motion-guidance, drag or gar, not '{which}'");
            if (which == "gar") return Task.FromResult(Gar(r, cases, r.GetValue(first), r.GetValue(toy.Model), r.GetValue(toy.Raft), r.GetValue(output)!, cancel));
            var drag = which == "drag" ? new Motive.Methods.DragDiffusion.DragOptions() : null;
            var settings = toy.Settings(r).Over(new MotionGuidanceMethod().Defaults(r.GetValue(toy.Model)));
            settings.ToSettings(name => name);   // bad settings are refused before anything is loaded
            using var models = ToyModels.Load(r.GetValue(toy.Model), r.GetValue(toy.Raft));
            var dir = r.GetValue(output)!;
            // Motion Guidance's bench is a batch: a manifest of the cases in DIR, run (and resumed) like any, reported with the truth.
            var rows = drag is null
                ? ConsoleProgress.Run("eval toy", 2 * cases, "items", r.InvocationConfiguration.Error,
                    p => ToyBenchBatch.Run(models, dir, cases, r.GetValue(first), settings, (k, _, _) => p.Report(k), cancel: cancel))
                : ConsoleProgress.Run("eval toy", cases, "edits", r.InvocationConfiguration.Error,
                    p => ToyBench.RunWithDrag(models, cases, r.GetValue(first), settings, drag, (d, _) => p.Report(d), cancel));
            if (drag is null) ToyBenchBatch.Report(dir, rows);
            var summary = ToyBench.Summarise(rows);
            var markdown = Write(dir, rows, summary, settings);
            r.InvocationConfiguration.Output.Write(markdown);
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }

    private static string Write(string dir, List<ToyBenchRow> rows, List<ToyBenchSummary> summary, MotionGuidanceOptions settings)
    {
        Directory.CreateDirectory(dir);
        var md = new StringBuilder();
        md.AppendLine($"# Toy edit benchmark: {summary[0].Cases} held-out {(summary.Any(x => x.Method == ToyBench.DragName) ? "moves (DragDiffusion at the model's drag preset beside Motion Guidance)" : "edits")}, {settings.Steps} steps × {settings.Recursions} recursions, guidance weight {settings.GuidanceWeight}, CFG {settings.Cfg}, clip {settings.ClipGrad}, edit-mask margin {settings.MaskMargin}{(settings.OracleFlow == true ? ", oracle flow" : "")}");
        md.AppendLine();
        md.AppendLine("| method | " + string.Join(" | ", summary[0].Metrics.Select(m => m.Name)) + " |");
        md.AppendLine("|---|" + string.Concat(summary[0].Metrics.Select(_ => "---|")));
        foreach (var s in summary)
            md.AppendLine($"| {s.Method} | " + string.Join(" | ", s.Metrics.Select(m => m.Value.ToString("0.000", CultureInfo.InvariantCulture))) + " |");
        md.AppendLine();
        var mg = summary.Single(s => s.Method == ToyEdit.MotionGuidanceName);
        foreach (var other in summary.Where(s => s != mg))
        {
            var better = mg.BetterThan(other);
            md.AppendLine($"- {mg.Method} beats {other.Method} on {better.Count} of {mg.Metrics.Count} metrics{(better.Count < mg.Metrics.Count ? $" (not on: {string.Join(", ", mg.Metrics.Select(m => m.Name).Except(better))})" : "")}");
        }
        foreach (var (metric, i) in summary[0].Metrics.Select((m, i) => (m.Name, i)))
            BarChart.Write(Path.Combine(dir, $"metric{i}.png"), metric, summary.Select(s => s.Method).ToList(), summary.Select(s => s.Metrics[i].Value).ToList());
        File.WriteAllText(Path.Combine(dir, "bench.md"), md.ToString());
        MotiveJson.Write(Path.Combine(dir, "bench.json"), new { settings, summary, rows });
        return md.ToString();
    }

    private static int Gar(ParseResult r, int cases, int first, string? model, string? raft, string dir, CancellationToken cancel)
    {
        var settings = SettingsLayers.Over(new GarOptions(), new GarMethod().Defaults(model));
        settings.ToConfig();   // bad settings are refused before anything is loaded
        using var models = ToyModels.Load(model, raft);
        var rows = ConsoleProgress.Run("eval toy", cases, "edits", r.InvocationConfiguration.Error,
            p => ToyRecolourBench.Run(models, cases, first, settings, (d, _) => p.Report(d), cancel));
        var summary = ToyRecolourBench.Summarise(rows);
        Directory.CreateDirectory(dir);
        var md = new StringBuilder();
        md.AppendLine($"# Toy text-edit benchmark: {cases} held-out recolourings by caption, Guide-and-Rescale ({settings.Preset}, {settings.Steps} steps, CFG {settings.Cfg?.ToString(CultureInfo.InvariantCulture) ?? "7.5"}) beside the unguided baseline");
        md.AppendLine();
        md.AppendLine("| method | colour right | recoloured share | PSNR outside (dB) | SSIM outside |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var s in summary)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Method} | {s.ColourRight:0.00} | {s.Recoloured:0.000} | {s.PsnrOutside:0.00} | {s.SsimOutside:0.000} |"));
        File.WriteAllText(Path.Combine(dir, "report.md"), md.ToString());
        MotiveJson.Write(Path.Combine(dir, "report.json"), new { settings, summary, rows });
        r.InvocationConfiguration.Output.Write(md.ToString());
        return CliApp.Ok;
    }
}
