using System.CommandLine;
using Motive.Cli.Progress;
using Motive.Training.Loop;
using Motive.Training.Toy;

namespace Motive.Cli.Commands;

/// <summary>`motive train ...`: Motive's own training of the embedded toy models (data drawn from the toy world on the fly).</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var cmd = new Command("train", "Train the embedded toy models (resumes from the folder's training/ state).");
        cmd.Add(Vae());
        return cmd;
    }

    private static Command Vae()
    {
        var dir = new Option<string>("--model-dir") { Description = "The toy model folder (created with fresh weights when missing).", Required = true };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 2000, Description = "Total steps (a resumed run continues to this)." };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 8 };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 5e-4, Description = "AdamW learning rate." };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 128, Description = "Scene size (px)." };
        var every = new Option<int>("--checkpoint-every") { DefaultValueFactory = _ => 200 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0L };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => TorchSharp.torch.cuda.is_available() ? "cuda" : "cpu", Description = "cuda when present, else cpu." };
        var c = new Command("vae", "Train the VAE: L1 reconstruction of toy scenes + a small KL term.") { dir, steps, batch, lr, size, every, seed, device };
        c.SetAction((r, cancel) =>
        {
            int n = r.GetValue(steps), b = r.GetValue(batch), s = r.GetValue(size);
            if (n < 1 || b < 1 || r.GetValue(every) < 1) throw new ArgumentException("--steps, --batch and --checkpoint-every must be at least 1");
            if (s < 64 || s % 64 != 0) throw new ArgumentException("--size must be a multiple of 64");
            var o = new TrainOptions(n, b, r.GetValue(lr), CheckpointEvery: r.GetValue(every), Seed: r.GetValue(seed), Device: r.GetValue(device)!);
            var model = r.GetValue(dir)!;
            var losses = ConsoleProgress.Run("train vae", n, "steps", r.InvocationConfiguration.Error,
                p => VaeTraining.Train(model, o, s, (done, _, _) => p.Report(done), cancel));
            int tail = Math.Min(50, losses.Count);
            r.InvocationConfiguration.Output.WriteLine(
                $"trained {model}/vae to step {losses.Count}: loss {losses.Take(tail).Average():0.0000} over the first {tail} steps, {losses.Skip(losses.Count - tail).Average():0.0000} over the last {tail}; curve in {Path.Combine(model, "training", "vae", "loss.png")}");
            return Task.FromResult(CliApp.Ok);
        });
        return c;
    }
}
