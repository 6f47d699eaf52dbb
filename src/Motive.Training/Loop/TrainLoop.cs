using Motive.IO.Json;
using System.Text.Json;
using Motive.IO.StateDicts;
using Motive.Models.Optim;
using Motive.Models.Blocks;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Training.Loop;

/// <summary>
/// The one training loop: AdamW on a module, one dispose scope per step (memory is flat), an optional EMA of the
/// weights, and checkpoints in <c>stateDir</c> (state.json: step and loss history; optimizer.safetensors; weights.safetensors;
/// loss.png) from which a later run resumes. <c>export</c> writes the shipped weights (diffusers names, fp16; the EMA
/// weights when there is an EMA) at every checkpoint; Ctrl+C writes one and stops.
/// </summary>
public static class TrainLoop
{
    /// <summary>The loss history of the whole run (resumed steps included).</summary>
    public static IReadOnlyList<double> Run(nn.Module module, Func<int, Generator, Tensor> loss, TrainOptions o, string stateDir, Action<nn.Module> export,
        Action<int, int, double>? onStep = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(stateDir);
        var device = torch.device(o.Device);
        module.to(device);
        module.train();
        var parameters = module.named_parameters().ToList();
        using var optimizer = new AdamW(parameters.Select(p => (p.name, p.parameter)), o.LearningRate, o.WeightDecay);
        var state = TrainState.Load(stateDir);
        // The full-precision weights and moments stay out of git: a fresh clone has state.json and the shipped (fp16, EMA)
        // weights only, and resumes from those, with the moments starting again.
        bool full = state.Step > 0 && File.Exists(Path.Combine(stateDir, "weights.safetensors"));
        if (full)
        {
            using (var w = StateDict.Open(Path.Combine(stateDir, "weights.safetensors"))) WeightLoading.Load(module, w, w.Path);
            var moments = Path.Combine(stateDir, "optimizer.safetensors");
            if (File.Exists(moments)) optimizer.Load(moments);   // a run checkpointed by an older Motive (optimizer.bin) restarts its moments
        }
        else if (state.Step > 0) o.OnNote?.Invoke($"{stateDir} has no full-precision weights (they stay out of git): resuming at step {state.Step} from the shipped weights, optimizer moments restarted");
        var ema = o.EmaDecay > 0 ? LoadEma(stateDir, parameters, full) : null;
        using var generator = new Generator((ulong)(o.Seed + state.Step));   // a resumed run draws new data, not the first steps' again
        using var quiet = Motive.Models.Runtime.QuietGc.Loop();   // leaves the no-GC region of the last step, however the loop ends
        try
        {
            for (int step = state.Step; step < o.Steps; step++)
            {
                cancel.ThrowIfCancellationRequested();
                Motive.Models.Runtime.QuietGc.Step();   // implicit Scalars stay alive through the step (see QuietGc)
                using (var scope = NewDisposeScope())
                {
                    optimizer.ZeroGrad();
                    var value = loss(step, generator);
                    float current = value.item<float>();
                    if (!float.IsFinite(current))
                        throw new ArgumentException($"training diverged: the loss is {current} at step {step + 1}; lower --lr (the last checkpoint is kept)");
                    value.backward();
                    if (o.GradientClip > 0) nn.utils.clip_grad_norm_(parameters.Select(p => p.parameter), o.GradientClip);
                    optimizer.LearningRate = o.LearningRateAt(step);
                    optimizer.Step();
                    if (ema is not null)
                    {
                        // diffusers' warm-up: early on the average follows the weights closely, so a short run does not ship its first steps
                        double decay = Math.Min(o.EmaDecay, (1.0 + step) / (10.0 + step));
                        using Scalar keep = decay, take = 1 - decay;   // explicit: see AdamW on implicit Scalars
                        // frozen parameters are skipped: averaging a weight with itself still moves it by rounding
                        using (no_grad()) foreach (var (e, (_, p)) in ema.Zip(parameters)) if (p.requires_grad) e.mul_(keep).add_(p.detach(), alpha: take);
                    }
                    state.Losses.Add(current);
                }
                state.Step = step + 1;
                onStep?.Invoke(state.Step, o.Steps, state.Losses[^1]);
                if (state.Step % o.CheckpointEvery == 0 || state.Step == o.Steps) Save(module, optimizer, ema, parameters, state, stateDir, export);
            }
        }
        catch (OperationCanceledException)
        {
            Save(module, optimizer, ema, parameters, state, stateDir, export);
            throw;
        }
        finally
        {
            if (ema is not null) foreach (var e in ema) e.Dispose();
        }
        return state.Losses;
    }

    private static List<Tensor> LoadEma(string stateDir, List<(string name, TorchSharp.Modules.Parameter parameter)> parameters, bool resume)
    {
        var path = Path.Combine(stateDir, "ema.safetensors");
        if (resume && File.Exists(path))
        {
            using var sd = StateDict.Open(path);
            return parameters.Select(p => sd[p.name].Load(p.parameter.dtype, p.parameter.device)).ToList();
        }
        return parameters.Select(p => p.parameter.detach().clone()).ToList();
    }

    private static void Save(nn.Module module, AdamW optimizer, List<Tensor>? ema, List<(string name, TorchSharp.Modules.Parameter parameter)> parameters,
        TrainState state, string stateDir, Action<nn.Module> export)
    {
        ModuleWeights.Save(Path.Combine(stateDir, "weights.safetensors"), module, full: true);
        var optimizerPath = Path.Combine(stateDir, "optimizer.safetensors");
        optimizer.Save(optimizerPath + ".tmp");
        File.Move(optimizerPath + ".tmp", optimizerPath, overwrite: true);
        if (ema is not null)
        {
            var emaDict = parameters.Zip(ema).Select(p => KeyValuePair.Create(p.First.name, p.Second)).ToList();
            IO.Safetensors.SafetensorsWriter.Write(Path.Combine(stateDir, "ema.safetensors"), emaDict);
        }
        // The shipped weights are the EMA ones when there is an EMA: swap them in for the export, then back.
        using (ema is null ? null : new NoGradSwap(parameters, ema)) export(module);
        state.Save(stateDir);
        LossCurve.Write(Path.Combine(stateDir, "loss.png"), state.Losses, $"{Path.GetFileName(stateDir)}: {state.Step} steps");
    }

    /// <summary>Puts the EMA values into the parameters until disposed.</summary>
    private sealed class NoGradSwap : IDisposable
    {
        private readonly List<(TorchSharp.Modules.Parameter P, Tensor Saved)> saved = [];

        public NoGradSwap(List<(string name, TorchSharp.Modules.Parameter parameter)> parameters, List<Tensor> values)
        {
            using var _ = no_grad();
            foreach (var ((_, p), v) in parameters.Zip(values)) { saved.Add((p, p.detach().clone())); p.copy_(v); }
        }

        public void Dispose()
        {
            using var _ = no_grad();
            foreach (var (p, s) in saved) { p.copy_(s); s.Dispose(); }
        }
    }
}

/// <summary>The resumable part of a run: how far it got and every loss so far.</summary>
public sealed class TrainState
{
    public int Step { get; set; }
    public List<double> Losses { get; set; } = [];

    public static TrainState Load(string dir)
    {
        var path = Path.Combine(dir, "state.json");
        return File.Exists(path) ? MotiveJson.Read<TrainState>(path) : new TrainState();   // names read case-insensitively: older files say "Step", "Losses"
    }

    public void Save(string dir)
    {
        var path = Path.Combine(dir, "state.json");
        MotiveJson.Write(path, this);
    }
}
