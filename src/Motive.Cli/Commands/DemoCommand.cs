using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Motive.Cli.Progress;
using Motive.Guidance.Sampler;
using Motive.IO.Checkpoints;
using Motive.IO.Images;
using Motive.Methods.MotionGuidance;
using Motive.ToyWorld;
using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive demo`: Motion Guidance on the embedded toy model, offline on a CPU. A held-out scene, one object moved
/// 20 px; the scene is DDIM-inverted with its caption, edited with its exact target flow, and scored against the
/// exact target render. Writes input, target flow, result, achieved flow, the ground truth, a side-by-side image and
/// the metrics.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "The scene (odd seeds are held out from training)." };
        var pixels = new Option<double>("--move") { DefaultValueFactory = _ => 20.0, Description = "How far the largest object moves right (left when right leaves the frame), px." };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => Path.Combine("out", "demo"), Description = "Output folder." };
        var cmd = new Command("demo", "Motion Guidance on the embedded toy model: move an object in a held-out scene, scored against the exact ground truth.")
            { seed, pixels, output };
        var toy = new ToyRunOptions();
        toy.AddTo(cmd);
        cmd.SetAction((r, cancel) =>
        {
            var clock = Stopwatch.StartNew();
            var stderr = r.InvocationConfiguration.Error;
            var settings = toy.Settings(r);
            using var models = ToyModels.Load(r.GetValue(toy.Model), r.GetValue(toy.Raft));
            var c = ToyCase.Move(r.GetValue(seed), r.GetValue(pixels));
            stderr.WriteLine($"motive demo: {c.Description} in \"{c.Caption}\" (seed {c.Seed})");
            using var edit = ConsoleProgress.Run("invert", settings.Steps, "steps", stderr,
                p => new ToyEdit(models.Sd, c, settings, r.GetValue(toy.MaskMargin), (d, _) => p.Report(d), cancel));
            using var trace = new GuidanceTrace();
            using var outcome = ConsoleProgress.Run("move", settings.Steps, "steps", stderr,
                p => edit.Guided(models.Sd, models.Raft, c.Seed, trace, onStep: (d, _) => p.Report(d), cancel: cancel));
            var dir = r.GetValue(output)!;
            Write(dir, edit, outcome, settings, clock.Elapsed);
            var s = outcome.Score;
            r.InvocationConfiguration.Output.WriteLine(
                $"{c.Description}: wrote {dir} (summary.png, result.png, metrics.json) in {clock.Elapsed.TotalSeconds:0} s; " +
                $"centroid error {s.CentroidError:0.0} px, IoU {s.IoU:0.00}, PSNR {s.Psnr:0.0} dB ({s.PsnrOutside:0.0} outside the edit), flow EPE {s.Epe:0.00} px ({s.EpeMoving:0.00} where it moves)");
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }

    private static void Write(string dir, ToyEdit edit, ToyOutcome outcome, MotionGuidanceSettings settings, TimeSpan elapsed)
    {
        Directory.CreateDirectory(dir);
        var c = edit.Case;
        var input = Picture(c.Truth.SourceRender.Image, c.Width, c.Height);
        var result = Picture(outcome.Image, c.Width, c.Height);
        var truth = Picture(c.Truth.TargetRender.Image, c.Width, c.Height);
        var flows = FlowColors.OnOneScale(edit.TargetFlow, outcome.AchievedFlow);
        var (targetFlow, achievedFlow) = (flows[0], flows[1]);
        PngWriter.Write(Path.Combine(dir, "input.png"), input);
        PngWriter.Write(Path.Combine(dir, "result.png"), result, new Dictionary<string, string> { ["motive.command"] = "demo", ["motive.edit"] = c.Description });
        PngWriter.Write(Path.Combine(dir, "ground_truth.png"), truth);
        PngWriter.Write(Path.Combine(dir, "target_flow.png"), targetFlow);
        PngWriter.Write(Path.Combine(dir, "achieved_flow.png"), achievedFlow);
        PngWriter.Write(Path.Combine(dir, "summary.png"), ImageStrip.Join([input, targetFlow, result, achievedFlow, truth]), new Dictionary<string, string>
            { ["motive.panels"] = "input | target flow | result | achieved flow (RAFT from input to result) | ground truth" });
        using (var flow = edit.TargetFlow.unsqueeze(0)) TorchSaveWriter.WriteTensor(Path.Combine(dir, "target_flow.pth"), flow);
        var record = new Dictionary<string, object?>
        {
            ["edit"] = c.Description, ["caption"] = c.Caption, ["seed"] = c.Seed, ["steps"] = settings.Steps, ["recursions"] = settings.Recursions,
            ["guidance_weight"] = settings.GuidanceWeight, ["cfg"] = settings.Cfg, ["seconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["metrics"] = outcome.Score,
        };
        var path = Path.Combine(dir, "metrics.json");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static RgbImage Picture(float[] planar, int w, int h)
    {
        using var t = tensor(planar).view(1, 3, h, w);
        return ImageTensors.FromTensor01(t);
    }
}
