using System.CommandLine;
using Motive.Cli.Progress;
using Motive.ToyWorld;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.ToyWorld.Evaluation;

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
        var attentionOnly = new Option<bool>("--attention-only") { Description = "Measure only how localised the UNet's cross-attention is (training/evaluation.json is then not written)." };
        var inputScale = new Option<int?>("--input-scale") { Description = "Run the RAFT at this input scale instead of its checkpoint's." };
        var c = new Command("evaluate", "Measure the toy models on held-out scenes: VAE PSNR, caption correctness of samples, cross-attention localisation, RAFT end-point error.") { dir, raft, n, steps, cfg, raftOnly, captionsOnly, attentionOnly, first, inputScale };
        c.SetAction((r, cancel) =>
        {
            var folder = r.GetValue(dir)!;
            int count = r.GetValue(n);
            if (count < 1) throw new ArgumentException("--n must be at least 1");
            var o = r.InvocationConfiguration.Output;
            if (r.GetValue(first) < 0) throw new ArgumentException("--first must be at least 0");
            if (r.GetValue(first) > 0 && !r.GetValue(captionsOnly)) throw new ArgumentException("--first needs --captions-only (evaluation.json records scenes 0..n-1)");
            if (new[] { raftOnly, captionsOnly, attentionOnly }.Count(x => r.GetValue(x)) > 1)
                throw new ArgumentException("--raft-only, --captions-only and --attention-only each measure one part; give one of them");
            if (r.GetValue(attentionOnly))
            {
                using var only = StableDiffusionModel.Load(folder);
                o.WriteLine(ToyModelReport.Attention(only, count).Line);
                return Task.FromResult(CliApp.Ok);
            }
            if (r.GetValue(captionsOnly))
            {
                using var only = StableDiffusionModel.Load(folder);
                o.WriteLine(Captions(only, count, r.GetValue(first), r.GetValue(steps), r.GetValue(cfg), r.InvocationConfiguration.Error, cancel).Line);
                return Task.FromResult(CliApp.Ok);
            }
            var raftPath = r.GetValue(raft) ?? Path.Combine(folder, ToyModels.RaftFile);
            using var flow = RaftLoader.Load(raftPath);
            if (r.GetValue(inputScale) is { } s) flow.InputScale = s;
            var flowNumbers = ToyModelReport.Raft(flow, count);
            foreach (var line in flowNumbers.Lines) o.WriteLine(line);
            if (r.GetValue(raftOnly)) return Task.FromResult(CliApp.Ok);

            using var model = StableDiffusionModel.Load(folder);
            var vae = ToyModelReport.Vae(model.Vae, count);
            foreach (var line in vae.Lines) o.WriteLine(line);
            var captions = Captions(model, count, 0, r.GetValue(steps), r.GetValue(cfg), r.InvocationConfiguration.Error, cancel);
            o.WriteLine(captions.Line);
            var attention = ToyModelReport.Attention(model, count);
            o.WriteLine(attention.Line);
            o.WriteLine($"wrote {ToyModelReport.Write(folder, count, vae, captions, attention, r.GetValue(steps), r.GetValue(cfg), flowNumbers)}");
            return Task.FromResult(CliApp.Ok);
        });
        return c;
    }

    private static ToyModelReport.CaptionNumbers Captions(StableDiffusionModel model, int count, int first, int steps, double cfg, TextWriter err, CancellationToken cancel) =>
        ConsoleProgress.Run("caption samples", count, "samples", err, p => ToyModelReport.Captions(model, count, first, steps, cfg, d => p.Report(d), cancel));
}
