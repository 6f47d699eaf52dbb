using System.CommandLine;
using System.Diagnostics;
using Motive.Cli.Progress;
using Motive.Methods.Editing;
using Motive.ToyWorld;

namespace Motive.Cli.Commands;

/// <summary>`motive demo`: the toy world's demo edit (<see cref="ToyDemo"/>) with progress on stderr and its score on stdout.</summary>
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
            var dir = r.GetValue(output)!;
            var c = ToyCase.Move(r.GetValue(seed), r.GetValue(pixels));
            var overrides = toy.Overrides(r);
            using var models = ToyModels.Open(overrides.Model, overrides.Raft);
            using var plan = ToyDemo.Plan(models, c, overrides);
            stderr.WriteLine($"motive demo: {c.Description} in \"{c.Caption}\" (seed {c.Seed})");
            var demo = ConsoleProgress.Edit(stderr, progress => plan.Run(dir, new EditRunOptions(progress, cancel)));
            var s = demo.Score;
            r.InvocationConfiguration.Output.WriteLine(
                $"{c.Description}: wrote {dir} (summary.png, result.png, metrics.json, run.json) in {clock.Elapsed.TotalSeconds:0} s; " +
                $"centroid error {s.CentroidError:0.0} px, IoU {s.IoU:0.00}, PSNR {s.Psnr:0.0} dB ({s.PsnrOutside:0.0} outside the edit), flow EPE {s.Epe:0.00} px ({s.EpeMoving:0.00} where it moves)");
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }
}
