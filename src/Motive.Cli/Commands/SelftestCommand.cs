using System.CommandLine;
using Motive.Replays;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive selftest mg-sampler|drag|gar FILE`: replay a recorded reference run and compare every tensor. Everything
/// the replay needs comes from the recording (its tensors and metadata: settings, model, RAFT, LoRA or none); the
/// options only override.
/// </summary>
public static class SelftestCommand
{
    /// <summary>Exit code when the replay runs but does not match.</summary>
    public const int Mismatch = 3;

    public static Command Create()
    {
        var cmd = new Command("selftest", "Check Motive against recorded reference runs.");
        cmd.Add(Sampler());
        cmd.Add(Drag());
        cmd.Add(Gar());
        cmd.Add(P2p());
        return cmd;
    }

    private static Command Sampler()
    {
        var file = new Argument<string>("file") { Description = "A recorded run in the mg_sampler format (.safetensors)." };
        var model = ModelOption();
        var raft = new Option<string?>("--raft") { Description = "Override the RAFT checkpoint the recording's metadata names (relative to FILE's folder)." };
        var tolerance = new Option<double>("--tolerance") { DefaultValueFactory = _ => SamplerReplay.DefaultTolerance, Description = "Relative L2 tolerance τ (the first evaluation must be within it)." };
        var twins = new Option<int>("--twins") { DefaultValueFactory = _ => SamplerReplay.DefaultTwins, Description = "Twin runs with z_T perturbed by one float32 rounding unit; later tensors may differ by τ + 2× their largest twin distance (0 = τ everywhere)." };
        var cmd = new Command("mg-sampler", "Replay a recorded Motion Guidance sampler run (inputs, settings, recursion noise) and compare the final latent, the final image and every per-evaluation energy and norm.")
            { file, model, raft, tolerance, twins };
        cmd.SetAction((r, cancel) =>
        {
            if (r.GetValue(twins) < 0 || r.GetValue(tolerance) <= 0) throw new ArgumentException("--twins must be 0 or more and --tolerance above 0");
            return Print(r, SamplerReplay.Check(Existing(r.GetValue(file)!), r.GetValue(model), r.GetValue(raft), r.GetValue(tolerance), r.GetValue(twins), cancel));
        });
        return cmd;
    }

    private static Command Drag()
    {
        var file = new Argument<string>("file") { Description = "A recorded run in the drag_update, drag_pipeline or drag_lora_step format (.safetensors)." };
        var model = ModelOption();
        var lora = new Option<string?>("--lora") { Description = "Override the LoRA the recording's metadata 'lora' names (relative to FILE's folder): a weights file or folder, or 'none'." };
        var cmd = new Command("drag", "Replay a recorded DragDiffusion run (drag loop, whole pipeline or LoRA steps), every setting and the LoRA (or none) from its metadata, and compare every recorded tensor.")
            { file, model, lora };
        cmd.SetAction((r, cancel) => Print(r, DragReplay.Check(Existing(r.GetValue(file)!), r.GetValue(model), r.GetValue(lora), cancel)));
        return cmd;
    }

    private static Command Gar()
    {
        var file = new Argument<string>("file") { Description = "A recorded run in the gar_rescale, gar_guiders or gar_edit format (.safetensors)." };
        var model = ModelOption();
        var cmd = new Command("gar", "Replay a recorded Guide-and-Rescale run (noise rescaling, one guided step per config, or a whole edit), every setting from its metadata, and compare every recorded tensor.")
            { file, model };
        cmd.SetAction((r, cancel) => Print(r, GarReplay.Check(Existing(r.GetValue(file)!), r.GetValue(model), cancel)));
        return cmd;
    }

    private static Command P2p()
    {
        var file = new Argument<string>("file") { Description = "A recorded run in the p2p_replace, p2p_refine, p2p_reweight or null_text format (.safetensors)." };
        var model = ModelOption();
        var all = new Option<bool>("--all") { Description = "Print every check, not only the summary." };
        var cmd = new Command("p2p", "Replay a recorded Prompt-to-Prompt run (word swap, refinement, re-weighting with LocalBlend) or null-text inversion with its reconstruction and edit, every setting from its metadata, and compare every recorded tensor.")
            { file, model, all };
        cmd.SetAction((r, cancel) =>
        {
            var report = P2pReplay.Check(Existing(r.GetValue(file)!), r.GetValue(model), cancel);
            if (r.GetValue(all)) foreach (var c in report.Checks) r.InvocationConfiguration.Output.WriteLine($"{(c.Ok ? "ok  " : "FAIL")} {c.Closeness,6:0.00} {c}");
            return Print(r, report);
        });
        return cmd;
    }

    private static Option<string?> ModelOption() =>
        new("--model") { Description = "Override the SD model the recording's metadata names (relative to FILE's folder; an mg_sampler recording names none: tiny-sd beside FILE)." };

    private static string Existing(string path) => File.Exists(path) ? path : throw new FileNotFoundException($"{path}: no such file");

    /// <summary>The report's one line: stdout and exit 0 on a match, stderr and <see cref="Mismatch"/> otherwise.</summary>
    private static Task<int> Print(ParseResult r, ReplayReport report)
    {
        (report.Ok ? r.InvocationConfiguration.Output : r.InvocationConfiguration.Error).WriteLine(report.Summary);
        return Task.FromResult(report.Ok ? CliApp.Ok : Mismatch);
    }
}
