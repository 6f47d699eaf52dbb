using System.CommandLine;
using Motive.Cli.Progress;
using Motive.Training.Loop;
using Motive.ToyWorld.Training;

namespace Motive.Cli.Commands;

/// <summary>`motive train vae|unet|raft`: Motive's own training of the embedded toy models (data drawn from the toy world on the fly).</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var cmd = new Command("train", "Train the embedded toy models (each resumes from its training/ state).");
        var crop = new Option<int>("--crop") { DefaultValueFactory = _ => VaeTraining.CropSize, Description = "Side of the training windows cut from the scenes, half centred on an object (0 = whole scenes)." };
        var vae = Make("vae", "Train the VAE: object-weighted L1 reconstruction of toy scenes + a small KL term.", "--model-dir", "The toy model folder (created with fresh weights when missing).",
            steps: 2000, batch: 16, lr: 1e-3, ema: 0, clip: 0, (path, o, size, r, report, cancel) => VaeTraining.Train(path, o, size, r.GetValue(crop), report, cancel), path => ToyModelFolder.TrainingDir(path, "vae"));
        vae.Add(crop);
        cmd.Add(vae);
        var objectWeight = new Option<double>("--object-weight") { DefaultValueFactory = _ => 1, Description = "How much more the ε error weighs in latent cells an object touches (1 = plain MSE)." };
        var minSnr = new Option<double>("--min-snr") { DefaultValueFactory = _ => 5, Description = "γ of the min-SNR-γ loss weighting (0 = plain MSE over timesteps)." };
        var dataset = new Option<int>("--dataset") { DefaultValueFactory = _ => UnetTraining.DefaultDatasetSize, Description = "Training scenes, VAE-encoded once into training/unet/latents.safetensors." };
        var attention = new Option<double>("--attention-loss") { DefaultValueFactory = _ => 0, Description = "Weight of the cross-attention supervision: each caption object's colour and shape words attend to the object's cells (0 = off; Prompt-to-Prompt needs localised maps)." };
        var leak = new Option<double>("--leak-loss") { DefaultValueFactory = _ => 0, Description = "Weight of the word-leak loss: swapping one object word (a colour or a shape) may change the text encoder's output at that word only (0 = off; Prompt-to-Prompt needs it to keep the layout)." };
        var freeze = new Option<bool>("--freeze-text-encoder") { Description = "Train the UNet alone, the text encoder left as the folder has it (a fine-tune that must not change what the words mean)." };
        var pairs = new Option<double>("--colour-pairs") { DefaultValueFactory = _ => 0, Description = "Share of the captioned items made colour pairs: noised from a scene, answered with it one object recoloured and its caption (0 = off; Prompt-to-Prompt's colour swaps need the layout not to follow the noise's colour)." };
        var swap = new Option<double>("--swap-consistency") { DefaultValueFactory = _ => 0, Description = "Weight of a loss that keeps the cross-attention maps where they are when a colour word is swapped (the colour pairs' twin caption on the same noisy latent; 0 = off; Prompt-to-Prompt gives the edited prompt the source's maps). Needs --colour-pairs." };
        var pairsFrom = new Option<double>("--colour-pairs-from") { DefaultValueFactory = _ => 0.3, Description = "Colour pairs only at timesteps from this fraction of the schedule up (the noisy ones, where the layout is decided)." };
        var channels = new Option<string?>("--unet-channels") { Description = "Start from a fresh UNet with these 4 block widths, e.g. 64,64,64,64 (at step 0; a run already started goes on if the widths are its own; the folder's VAE and text encoder are kept; the embedded model's: " + string.Join(",", ToyModelFolder.UnetChannels) + ")." };
        var unet = Make("unet", "Train the UNet and text encoder on captioned toy scenes (needs the folder's trained VAE; EMA weights are shipped).", "--model-dir", "The toy model folder.",
            steps: 4000, batch: 16, lr: 3e-4, ema: 0.999, clip: 1, (path, o, size, r, report, cancel) =>
            {
                if (r.GetValue(dataset) < 1) throw new ArgumentException("--dataset must be at least 1");
                return UnetTraining.Train(path, o, size, r.GetValue(objectWeight), r.GetValue(minSnr), r.GetValue(dataset), report,
                    (done, total) => { if (done == total || done % 1024 == 0) r.InvocationConfiguration.Error.WriteLine($"encoded {done}/{total} training scenes"); }, cancel,
                    Widths(r.GetValue(channels)), r.GetValue(attention), r.GetValue(leak), r.GetValue(freeze), r.GetValue(pairs), r.GetValue(pairsFrom), r.GetValue(swap));
            }, path => ToyModelFolder.TrainingDir(path, "unet"));
        unet.Add(objectWeight);
        unet.Add(minSnr);
        unet.Add(dataset);
        unet.Add(channels);
        unet.Add(attention);
        unet.Add(leak);
        unet.Add(freeze);
        unet.Add(pairs);
        unet.Add(pairsFrom);
        unet.Add(swap);
        cmd.Add(unet);
        var inputScale = new Option<int?>("--input-scale") { Description = $"Enlarge the scenes this many times before RAFT sees them ({string.Join(", ", Motive.Models.Raft.RaftInputScale.Supported)}; the checkpoint records it; default: the checkpoint's own, 1 for a new one)." };
        var turnShare = new Option<double>("--turn-share") { DefaultValueFactory = _ => 0, Description = "Make this share of the training pairs turns, on top of the 2/9 the world draws (0..1)." };
        var raft = Make("raft", "Train the toy RAFT-small on toy edit pairs with exact flow.", "--out", "The RAFT checkpoint to write (princeton layout; state in training/raft beside it).",
            steps: 3000, batch: 8, lr: 4e-4, ema: 0, clip: 1, (path, o, size, r, report, cancel) =>
            {
                double turns = r.GetValue(turnShare);
                if (!(turns >= 0 && turns <= 1)) throw new ArgumentException($"--turn-share must be between 0 and 1 (got {turns})");
                return RaftTraining.Train(path, o, size, r.GetValue(inputScale), turns, report, cancel);
            },
            RaftTraining.StateDir);
        raft.Add(inputScale);
        raft.Add(turnShare);
        cmd.Add(raft);
        cmd.Add(TrainClassifierCommand.Create());
        cmd.Add(TrainEvaluateCommand.Create());
        return cmd;
    }

    private static int[]? Widths(string? text) =>
        text is null ? null
        : text.Split(',').Select(w => int.TryParse(w.Trim(), out int c) ? c : throw new ArgumentException($"--unet-channels: '{w}' is not a whole number (give 4 widths, e.g. 64,64,64,64)")).ToArray();

    private delegate IReadOnlyList<double> Trainer(string path, TrainOptions o, int size, ParseResult r, Action<int, int, double> report, CancellationToken cancel);

    private static Command Make(string name, string description, string pathOption, string pathDescription, int steps, int batch, double lr, double ema, double clip,
        Trainer train, Func<string, string> stateDir)
    {
        var path = new Option<string>(pathOption) { Description = pathDescription, Required = true };
        var stepsOption = new Option<int>("--steps") { DefaultValueFactory = _ => steps, Description = "Total steps (a resumed run continues to this)." };
        var batchOption = new Option<int>("--batch") { DefaultValueFactory = _ => batch };
        var lrOption = new Option<double>("--lr") { DefaultValueFactory = _ => lr, Description = "AdamW learning rate." };
        var emaOption = new Option<double>("--ema") { DefaultValueFactory = _ => ema, Description = "EMA decay of the shipped weights (0 = none)." };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 128, Description = "Scene size (px)." };
        var decay = new Option<int>("--decay-steps") { DefaultValueFactory = _ => 0, Description = "The learning rate falls linearly towards zero over the last N steps (0 = constant)." };
        var every = new Option<int>("--checkpoint-every") { DefaultValueFactory = _ => 200 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0L };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => TorchSharp.torch.cuda.is_available() ? "cuda" : "cpu", Description = "cuda when present, else cpu." };
        var c = new Command(name, description) { path, stepsOption, batchOption, lrOption, emaOption, size, every, seed, device, decay };
        c.SetAction((r, cancel) =>
        {
            int n = r.GetValue(stepsOption), b = r.GetValue(batchOption), s = r.GetValue(size);
            if (n < 1 || b < 1 || r.GetValue(every) < 1) throw new ArgumentException("--steps, --batch and --checkpoint-every must be at least 1");
            if (r.GetValue(decay) < 0) throw new ArgumentException("--decay-steps must be 0 or more");
            if (s < 128 || s % 64 != 0) throw new ArgumentException("--size must be a multiple of 64, at least 128");
            var o = new TrainOptions(n, b, r.GetValue(lrOption), EmaDecay: r.GetValue(emaOption), CheckpointEvery: r.GetValue(every), Seed: r.GetValue(seed),
                Device: r.GetValue(device)!, GradientClip: clip, DecaySteps: r.GetValue(decay)) { OnNote = note => r.InvocationConfiguration.Error.WriteLine("motive: " + note) };
            var target = r.GetValue(path)!;
            var losses = ConsoleProgress.Run($"train {name}", n, "steps", r.InvocationConfiguration.Error, p => train(target, o, s, r, (done, _, _) => p.Report(done), cancel));
            int tail = Math.Min(50, losses.Count);
            r.InvocationConfiguration.Output.WriteLine(
                $"trained {name} ({target}) to step {losses.Count}: loss {losses.Take(tail).Average():0.0000} over the first {tail} steps, {losses.Skip(losses.Count - tail).Average():0.0000} over the last {tail}; curve in {Path.Combine(stateDir(target), "loss.png")}");
            return Task.FromResult(CliApp.Ok);
        });
        return c;
    }
}
