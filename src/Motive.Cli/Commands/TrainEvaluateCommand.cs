using Motive.IO.Json;
using System.CommandLine;
using System.Text.Json;
using Motive.Cli.Progress;
using Motive.ToyWorld;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.Training.Toy;

namespace Motive.Cli.Commands;

/// <summary>`motive train evaluate`: the toy models' quality numbers on held-out scenes (what models/toy/README.md records).</summary>
public static class TrainEvaluateCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--model-dir") { Description = "The toy model folder.", Required = true };
        var raft = new Option<string?>("--raft") { Description = $"The toy RAFT (default: {ToyModels.RaftFile} in the folder)." };
        var n = new Option<int>("--n") { DefaultValueFactory = _ => 100, Description = "Held-out scenes (captions, reconstructions, edit pairs)." };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 25, Description = "DDIM steps of the caption samples." };
        var cfg = new Option<double>("--cfg") { DefaultValueFactory = _ => 5.0, Description = "Classifier-free guidance of the caption samples." };
        var c = new Command("evaluate", "Measure the toy models on held-out scenes: VAE PSNR, caption correctness of samples, RAFT end-point error.") { dir, raft, n, steps, cfg };
        c.SetAction((r, cancel) =>
        {
            var folder = r.GetValue(dir)!;
            int count = r.GetValue(n);
            if (count < 1) throw new ArgumentException("--n must be at least 1");
            var o = r.InvocationConfiguration.Output;
            using var model = StableDiffusionModel.Load(folder);
            var (psnr, upper) = ToyEvaluation.Reconstructions(model.Vae, count);
            o.WriteLine($"VAE reconstruction PSNR: {psnr:0.00} dB (mean of {count} held-out scenes)");
            double upperCorrect = upper.Count(x => x.Correct) / (double)count;
            o.WriteLine($"caption correctness of the VAE reconstructions themselves (what samples can reach): {upperCorrect:P0}");
            var checks = ConsoleProgress.Run("caption samples", count, "samples", r.InvocationConfiguration.Error,
                p => ToyEvaluation.Captions(model, count, r.GetValue(steps), r.GetValue(cfg), onSample: (d, _) => p.Report(d), cancel: cancel));
            double correct = checks.Count(x => x.Correct) / (double)count;
            double colours = checks.Sum(x => x.ColoursFound) / (double)checks.Sum(x => x.Requested);
            double shapes = checks.Sum(x => x.ShapesRight) / (double)checks.Sum(x => x.Requested);
            o.WriteLine($"caption correctness: {correct:P0} of {count} samples show every requested object ({colours:P0} of objects' colours found, {shapes:P0} with the right shape)");
            var raftPath = r.GetValue(raft) ?? Path.Combine(folder, ToyModels.RaftFile);
            using var flow = RaftLoader.Load(raftPath);
            var (epe5, moving5, interior5) = RaftTraining.EndPointErrors(flow, count, 128, 5);
            var (epe12, moving12, interior12) = RaftTraining.EndPointErrors(flow, count, 128, 12);
            o.WriteLine($"toy RAFT end-point error where things move: {moving5:0.000} px at 5 iterations (Motion Guidance's), {moving12:0.000} px at 12; "
                + $"of that more than {RaftTraining.EdgeBand} px from a motion edge {interior5:0.000} / {interior12:0.000} px; over all pixels {epe5:0.000} / {epe12:0.000} px ({count} held-out edit pairs)");
            var floor = RaftTraining.UpsamplingFloor(count, 128);
            o.WriteLine($"the floor of RAFT-small's 8x bilinear upsampling (a 1/8-resolution flow fitted to the exact one by RAFT's L1 objective): {floor.Moving:0.000} px where things move, "
                + $"{floor.MovingInterior:0.000} px more than {RaftTraining.EdgeBand} px from a motion edge, {floor.All:0.000} px over all pixels");
            var path = Path.Combine(folder, "training", "evaluation.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            MotiveJson.Write(path, new
            {
                held_out_scenes = count, vae_psnr_db = psnr, caption_correct = correct, reconstruction_caption_correct = upperCorrect, colours_found = colours, shapes_right = shapes,
                caption_sampler = new { steps = r.GetValue(steps), cfg = r.GetValue(cfg) }, raft_epe_5 = epe5, raft_epe_12 = epe12, raft_epe_moving_5 = moving5, raft_epe_moving_12 = moving12,
                raft_epe_moving_interior_5 = interior5, raft_epe_moving_interior_12 = interior12,
                upsampling_floor = new { epe = floor.All, epe_moving = floor.Moving, epe_moving_interior = floor.MovingInterior }, captions = checks,
            });
            o.WriteLine($"wrote {path}");
            return Task.FromResult(CliApp.Ok);
        });
        return c;
    }
}
