using Motive.IO.Json;
using System.CommandLine;
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
        var raftOnly = new Option<bool>("--raft-only") { Description = "Measure only the RAFT (training/evaluation.json is then not written)." };
        var captionsOnly = new Option<bool>("--captions-only") { Description = "Measure only the caption correctness of samples (training/evaluation.json is then not written)." };
        var first = new Option<int>("--first") { Description = "With --captions-only: the index of the first held-out scene, so that a sampler chosen on scenes 0..n-1 can be checked on others." };
        var inputScale = new Option<int?>("--input-scale") { Description = "Run the RAFT at this input scale instead of its checkpoint's." };
        var c = new Command("evaluate", "Measure the toy models on held-out scenes: VAE PSNR, caption correctness of samples, RAFT end-point error.") { dir, raft, n, steps, cfg, raftOnly, captionsOnly, first, inputScale };
        c.SetAction((r, cancel) =>
        {
            var folder = r.GetValue(dir)!;
            int count = r.GetValue(n);
            if (count < 1) throw new ArgumentException("--n must be at least 1");
            var o = r.InvocationConfiguration.Output;
            if (r.GetValue(first) < 0) throw new ArgumentException("--first must be at least 0");
            if (r.GetValue(first) > 0 && !r.GetValue(captionsOnly)) throw new ArgumentException("--first needs --captions-only (evaluation.json records scenes 0..n-1)");
            if (r.GetValue(raftOnly) && r.GetValue(captionsOnly)) throw new ArgumentException("--raft-only and --captions-only each measure one part; give one of them");
            if (r.GetValue(captionsOnly))
            {
                using var only = StableDiffusionModel.Load(folder);
                CaptionNumbers(only, count, r.GetValue(first), r.GetValue(steps), r.GetValue(cfg), o, r.InvocationConfiguration.Error, cancel);
                return Task.FromResult(CliApp.Ok);
            }
            var raftPath = r.GetValue(raft) ?? Path.Combine(folder, ToyModels.RaftFile);
            using var flow = RaftLoader.Load(raftPath);
            if (r.GetValue(inputScale) is { } s) flow.InputScale = s;
            var flowNumbers = RaftNumbers(flow, count, o);
            if (r.GetValue(raftOnly)) return Task.FromResult(CliApp.Ok);

            using var model = StableDiffusionModel.Load(folder);
            var (psnr, upper) = ToyEvaluation.Reconstructions(model.Vae, count);
            o.WriteLine($"VAE reconstruction PSNR: {psnr:0.00} dB (mean of {count} held-out scenes)");
            double upperCorrect = upper.Count(x => x.Correct) / (double)count;
            o.WriteLine($"caption correctness of the VAE reconstructions themselves (what samples can reach): {upperCorrect:P0}");
            var (checks, correct, colours, shapes) = CaptionNumbers(model, count, 0, r.GetValue(steps), r.GetValue(cfg), o, r.InvocationConfiguration.Error, cancel);
            var path = Path.Combine(folder, "training", "evaluation.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            MotiveJson.Write(path, new
            {
                held_out_scenes = count, vae_psnr_db = psnr, caption_correct = correct, reconstruction_caption_correct = upperCorrect, colours_found = colours, shapes_right = shapes,
                caption_sampler = new { steps = r.GetValue(steps), cfg = r.GetValue(cfg) }, raft = flowNumbers, captions = checks,
            });
            o.WriteLine($"wrote {path}");
            return Task.FromResult(CliApp.Ok);
        });
        return c;
    }

    /// <summary>Caption samples of held-out scenes <paramref name="first"/>.. judged, printed and returned for evaluation.json.</summary>
    private static (List<CaptionCheck> Checks, double Correct, double Colours, double Shapes) CaptionNumbers(StableDiffusionModel model, int count, int first,
        int steps, double cfg, TextWriter o, TextWriter err, CancellationToken cancel)
    {
        var checks = ConsoleProgress.Run("caption samples", count, "samples", err,
            p => ToyEvaluation.Captions(model, count, steps, cfg, first: first, onSample: (d, _) => p.Report(d), cancel: cancel));
        double correct = checks.Count(x => x.Correct) / (double)count;
        double colours = checks.Sum(x => x.ColoursFound) / (double)checks.Sum(x => x.Requested);
        double shapes = checks.Sum(x => x.ShapesRight) / (double)checks.Sum(x => x.Requested);
        o.WriteLine($"caption correctness: {correct:P0} of {count} samples (held-out scenes {first}..{first + count - 1}; {steps} DDIM steps, CFG {cfg}) show every requested object "
            + $"({colours:P0} of objects' colours found, {shapes:P0} with the right shape)");
        return (checks, correct, colours, shapes);
    }

    /// <summary>The RAFT's end-point errors on held-out edit pairs and the floor of its upsampling, printed and returned for evaluation.json.</summary>
    private static object RaftNumbers(RaftModel flow, int count, TextWriter o)
    {
        var at5 = RaftTraining.EndPointErrors(flow, count, 128, 5);
        var at12 = RaftTraining.EndPointErrors(flow, count, 128, 12);
        var floor = RaftTraining.UpsamplingFloor(count, 128, flow.InputScale);
        o.WriteLine($"toy RAFT (input scale {flow.InputScale}) end-point error where things move: {at5.Moving:0.000} px at 5 iterations (Motion Guidance's), {at12.Moving:0.000} px at 12; "
            + $"of that more than {RaftTraining.EdgeBand} px from a motion edge {at5.MovingInterior:0.000} / {at12.MovingInterior:0.000} px; over all pixels {at5.All:0.000} / {at12.All:0.000} px ({count} held-out edit pairs)");
        o.WriteLine($"  where things move, by edit kind: {ByKind(at5)} at 5 iterations; {ByKind(at12)} at 12");
        o.WriteLine($"the floor of RAFT-small's 8x bilinear upsampling at input scale {flow.InputScale} (a flow on its 1/8 grid fitted to the exact one by RAFT's L1 objective): {floor.Moving:0.000} px where things move, "
            + $"{floor.MovingInterior:0.000} px more than {RaftTraining.EdgeBand} px from a motion edge, {floor.All:0.000} px over all pixels; by edit kind {ByKind(floor)}");
        return new
        {
            input_scale = flow.InputScale, epe_5 = at5.All, epe_12 = at12.All, epe_moving_5 = at5.Moving, epe_moving_12 = at12.Moving,
            epe_moving_interior_5 = at5.MovingInterior, epe_moving_interior_12 = at12.MovingInterior,
            epe_moving_by_kind_5 = Named(at5), epe_moving_by_kind_12 = Named(at12),
            upsampling_floor = new { epe = floor.All, epe_moving = floor.Moving, epe_moving_interior = floor.MovingInterior, epe_moving_by_kind = Named(floor) },
        };
    }

    private static string ByKind(RaftTraining.RaftErrors e) => string.Join(", ", e.MovingByKind.Select(k => $"{k.Key.ToString().ToLowerInvariant()} {k.Value:0.000} px"));

    private static Dictionary<string, double> Named(RaftTraining.RaftErrors e) => e.MovingByKind.ToDictionary(k => k.Key.ToString().ToLowerInvariant(), k => k.Value);
}
