using System.CommandLine;
using System.Diagnostics;
using Motive.Cli.Progress;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;
using Motive.Models.Flow;
using Motive.ToyWorld;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive demo`: Motion Guidance on the embedded toy model, offline on a CPU. A held-out scene's largest object
/// moved 20 px: the scene is saved as a picture, DDIM-inverted with its caption and edited with its exact target flow
/// through the same request and plan as `motive move`, then scored against the exact target render. The result
/// folder is an ordinary one (its run.json replays with `motive run`), with the ground truth and the score added.
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
            settings.Over(MotionGuidanceMethod.Defaults(r.GetValue(toy.Model))).ToSettings(name => name);   // bad settings are refused before anything is loaded
            var dir = r.GetValue(output)!;
            var c = ToyCase.Move(r.GetValue(seed), r.GetValue(pixels));
            using var folder = ResultFolder.Create(dir);
            using var models = ToyModels.Load(r.GetValue(toy.Model), r.GetValue(toy.Raft));
            stderr.WriteLine($"motive demo: {c.Description} in \"{c.Caption}\" (seed {c.Seed})");
            // The inputs go into the result folder itself, so its run.json (names relative to it) replays with `motive run`.
            var (outcome, request) = ConsoleProgress.Edit(stderr, progress =>
            {
                using var edit = new ToyEdit(models, c, settings, progress, cancel, inputsDir: folder.WorkDir);
                return (edit.Guided(workDir: folder.WorkDir), edit.Resolved);
            });
            using var _ = outcome;
            var result = outcome.Result!;
            var truth = Picture(c.Truth.TargetRender.Image, c.Width, c.Height);
            using var target = tensor(c.Truth.Flow).view(2, c.Height, c.Width);
            var flows = FlowColors.OnOneScale(target, outcome.AchievedFlow);
            var input = c.Truth.SourceRender.ToRgb();
            var s = outcome.Score;
            folder.Commit(request, result with
            {
                Summary = ImageStrip.Join([input, flows[0], result.Image, flows[1], truth]),
                SummaryPanels = "input | target flow | result | achieved flow (RAFT from input to result) | ground truth",
                Pictures = [("ground_truth.png", truth), ("target_flow.png", flows[0]), ("achieved_flow.png", flows[1])],
                Metrics = new Dictionary<string, object?> { ["edit"] = c.Description, ["caption"] = c.Caption, ["seed"] = c.Seed, ["score"] = s, ["method"] = result.Metrics },
                Elapsed = clock.Elapsed,
            });
            r.InvocationConfiguration.Output.WriteLine(
                $"{c.Description}: wrote {dir} (summary.png, result.png, metrics.json, run.json) in {clock.Elapsed.TotalSeconds:0} s; " +
                $"centroid error {s.CentroidError:0.0} px, IoU {s.IoU:0.00}, PSNR {s.Psnr:0.0} dB ({s.PsnrOutside:0.0} outside the edit), flow EPE {s.Epe:0.00} px ({s.EpeMoving:0.00} where it moves)");
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }

    private static RgbImage Picture(float[] planar, int w, int h)
    {
        using var t = tensor(planar).view(1, 3, h, w);
        return ImageTensors.FromTensor01(t);
    }
}
