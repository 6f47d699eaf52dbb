using System.CommandLine;
using Motive.Methods.DragDiffusion;
using Motive.Methods.GuideAndRescale;
using Motive.Methods.MotionGuidance;

namespace Motive.Cli.Commands;

/// <summary>`motive selftest mg-sampler FILE`: replay a recorded reference run and compare every tensor.</summary>
public static class SelftestCommand
{
    /// <summary>Exit code when the replay runs but does not match.</summary>
    public const int Mismatch = 3;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A recorded run in the mg_sampler format (.safetensors)." };
        var model = new Option<string?>("--model") { Description = "The SD model of the run (default: tiny-sd beside FILE)." };
        var raft = new Option<string?>("--raft") { Description = "The RAFT checkpoint of the run (default: raft_large_random_fp16.pth beside FILE)." };
        var tolerance = new Option<double>("--tolerance") { DefaultValueFactory = _ => SamplerReplay.DefaultTolerance, Description = "Relative L2 tolerance τ (the first evaluation must be within it)." };
        var twins = new Option<int>("--twins") { DefaultValueFactory = _ => SamplerReplay.DefaultTwins, Description = "Twin runs with z_T perturbed by one float32 rounding unit; later tensors may differ by τ + 2× their largest twin distance (0 = τ everywhere)." };
        var mg = new Command("mg-sampler", "Replay a recorded Motion Guidance sampler run (inputs, settings, recursion noise) and compare the final latent, the final image and every per-evaluation energy and norm.")
            { file, model, raft, tolerance, twins };
        mg.SetAction((r, cancel) =>
        {
            var path = r.GetValue(file)!;
            if (r.GetValue(twins) < 0 || r.GetValue(tolerance) <= 0) throw new ArgumentException("--twins must be 0 or more and --tolerance above 0");
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file");
            var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var report = SamplerReplay.Check(path, r.GetValue(model) ?? Path.Combine(dir, "tiny-sd"),
                r.GetValue(raft) ?? Path.Combine(dir, "raft_large_random_fp16.pth"), r.GetValue(tolerance), r.GetValue(twins), cancel);
            (report.Ok ? r.InvocationConfiguration.Output : r.InvocationConfiguration.Error).WriteLine(report.Summary);
            return Task.FromResult(report.Ok ? CliApp.Ok : Mismatch);
        });
        var cmd = new Command("selftest", "Check Motive against recorded reference runs.");
        cmd.Add(mg);
        cmd.Add(Drag());
        cmd.Add(Gar());
        return cmd;
    }

    private static Command Drag()
    {
        var file = new Argument<string>("file") { Description = "A recorded run in the drag_update, drag_pipeline or drag_lora_step format (.safetensors)." };
        var model = new Option<string?>("--model") { Description = "The SD model of the run (default: tiny-sd beside FILE)." };
        var lora = new Option<string?>("--lora") { Description = "The LoRA of a drag_pipeline run (default: tiny-sd-lora/pytorch_lora_weights.safetensors beside FILE when its metadata names a LoRA)." };
        var cmd = new Command("drag", "Replay a recorded DragDiffusion run (drag loop, whole pipeline or LoRA steps), every setting from its metadata, and compare every recorded tensor.")
            { file, model, lora };
        cmd.SetAction((r, cancel) =>
        {
            var path = r.GetValue(file)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file");
            var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            using (var peek = Motive.IO.Safetensors.SafetensorsFile.Open(path))
            {
                bool usesLora = peek.Metadata.TryGetValue("arguments", out var a) && a.Contains("\"lora_path\"") && !a.Contains("\"lora_path\": \"\"");
                var loraPath = r.GetValue(lora) ?? (usesLora ? Path.Combine(dir, "tiny-sd-lora", "pytorch_lora_weights.safetensors") : null);
                var report = DragReplay.Check(path, r.GetValue(model) ?? Path.Combine(dir, "tiny-sd"), loraPath, cancel);
                (report.Ok ? r.InvocationConfiguration.Output : r.InvocationConfiguration.Error).WriteLine(report.Summary);
                return Task.FromResult(report.Ok ? CliApp.Ok : Mismatch);
            }
        });
        return cmd;
    }

    private static Command Gar()
    {
        var file = new Argument<string>("file") { Description = "A recorded run in the gar_rescale, gar_guiders or gar_edit format (.safetensors)." };
        var model = new Option<string?>("--model") { Description = "The SD model of the run (default: tiny-sd beside FILE)." };
        var cmd = new Command("gar", "Replay a recorded Guide-and-Rescale run (noise rescaling, one guided step per config, or a whole edit), every setting from its metadata, and compare every recorded tensor.")
            { file, model };
        cmd.SetAction((r, cancel) =>
        {
            var path = r.GetValue(file)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file");
            var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var report = GarReplay.Check(path, r.GetValue(model) ?? Path.Combine(dir, "tiny-sd"), cancel);
            (report.Ok ? r.InvocationConfiguration.Output : r.InvocationConfiguration.Error).WriteLine(report.Summary);
            return Task.FromResult(report.Ok ? CliApp.Ok : Mismatch);
        });
        return cmd;
    }
}
