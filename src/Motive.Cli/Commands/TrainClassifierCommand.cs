using System.CommandLine;
using Motive.Cli.Progress;
using Motive.ToyWorld.Classifier;

namespace Motive.Cli.Commands;

/// <summary>`motive train classifier`: the toy picture classifier that classifier guidance steers with (clean toy scenes, largest object's colour or shape).</summary>
public static class TrainClassifierCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "The classifier file to write (.safetensors; classes in its metadata).", Required = true };
        var attribute = new Option<string>("--attribute") { DefaultValueFactory = _ => "colour", Description = "What it names of the largest object: colour or shape." };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 800, Description = "Training steps." };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 2e-3, Description = "AdamW learning rate." };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 128, Description = "Scene size (px): the embedded model's picture size." };
        var heldOut = new Option<int>("--held-out") { DefaultValueFactory = _ => 400, Description = "Held-out scenes (odd seeds) the accuracy is measured on." };
        var pool = new Option<int>("--pool") { DefaultValueFactory = _ => 1024, Description = "Training scenes (even seeds), drawn once; each step takes a random batch of them." };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0L };
        var hue = new Option<double>("--hue-jitter") { DefaultValueFactory = _ => 0, Description = "Turn each picture's hue by up to ± this many degrees (a colour label follows the turned hue to the nearest palette colour)." };
        var noise = new Option<double>("--noise") { DefaultValueFactory = _ => 0, Description = "Add Gaussian noise of a standard deviation up to this (pictures in [-1,1])." };
        var blur = new Option<int>("--blur") { DefaultValueFactory = _ => 0, Description = "Blur half the pictures over blocks of 2 to this many px (0 = none)." };
        var cmd = new Command("classifier", "Train the toy picture classifier for classifier guidance on clean toy scenes: the largest object's colour or shape.")
            { output, attribute, steps, batch, lr, size, heldOut, pool, seed, hue, noise, blur };
        cmd.SetAction((r, cancel) =>
        {
            var a = ToyAttribute.Parse(r.GetValue(attribute)!);
            int n = r.GetValue(steps), held = r.GetValue(heldOut);
            if (n < 1 || r.GetValue(batch) < 1 || held < 1 || r.GetValue(pool) < 1) throw new ArgumentException("--steps, --batch, --held-out and --pool must be at least 1");
            if (!(r.GetValue(lr) > 0)) throw new ArgumentException("--lr must be above 0");
            var augmentation = new ClassifierAugmentation(r.GetValue(hue), r.GetValue(noise), r.GetValue(blur));
            if (!(augmentation.HueDegrees is >= 0 and <= 180)) throw new ArgumentException($"--hue-jitter must be between 0 and 180 degrees, got {augmentation.HueDegrees}");
            if (!(augmentation.NoiseSigma is >= 0 and <= 2)) throw new ArgumentException($"--noise must be between 0 and 2, got {augmentation.NoiseSigma}");
            if (augmentation.MaxBlur is < 0 or > 64) throw new ArgumentException($"--blur must be between 0 and 64 px, got {augmentation.MaxBlur}");
            var target = r.GetValue(output)!;
            var result = ConsoleProgress.Run("train classifier", n, "steps", r.InvocationConfiguration.Error,
                p => ClassifierTraining.Train(target, a, n, r.GetValue(batch), r.GetValue(lr), r.GetValue(size), r.GetValue(seed), held, r.GetValue(pool), (d, _, _) => p.Report(d), cancel, augmentation));
            int tail = Math.Min(50, result.Losses.Count);
            r.InvocationConfiguration.Output.WriteLine(
                $"trained the {a.Name} classifier ({target}): loss {result.Losses.Take(tail).Average():0.000} over the first {tail} steps, " +
                $"{result.Losses.Skip(result.Losses.Count - tail).Average():0.000} over the last {tail}; held-out accuracy {result.HeldOutAccuracy:P1} on {result.HeldOutScenes} scenes (chance {1.0 / a.Classes.Count:P0})");
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }
}
