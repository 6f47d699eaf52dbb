using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Optim;

/// <summary>
/// The smallest optimisation loop, for what methods optimise per edit (DragDiffusion's per-image LoRA, its latent
/// under motion supervision): AdamW on the given parameters for <c>steps</c> steps, one dispose scope a step (memory
/// is flat), TorchSharp's implicit Scalars kept alive through each step (<see cref="Runtime.QuietGc"/>), a non-finite
/// loss refused with the step it happened at, Ctrl+C between steps. Training with checkpoints and EMA is
/// Motive.Training's TrainLoop; this has none of that.
/// </summary>
public static class Minimize
{
    /// <summary>
    /// Runs <paramref name="steps"/> steps of <paramref name="loss"/> (given the step index; returns a scalar on the
    /// parameters' graph, or null to stop before stepping: DragDiffusion's "every handle arrived" test comes between its
    /// forward pass and its loss); <paramref name="onStep"/> sees each step's loss after the update (the gradients are
    /// still there) and may stop early by returning false. Returns every step's loss.
    /// </summary>
    public static List<double> Run(IEnumerable<(string Name, Parameter P)> parameters, Func<int, Tensor?> loss, int steps, double learningRate,
        double weightDecay = 0.01, Func<int, double, bool>? onStep = null, CancellationToken cancel = default)
    {
        using var optimizer = new AdamW(parameters, learningRate, weightDecay);
        var losses = new List<double>();
        using var quiet = Runtime.QuietGc.Loop();
        for (int step = 0; step < steps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            Runtime.QuietGc.Step();
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            if (loss(step) is not { } value) break;
            double current = value.item<float>();
            if (!double.IsFinite(current)) throw new ArgumentException($"the optimisation diverged: the loss is {current} at step {step + 1}");
            value.backward();
            optimizer.Step();
            losses.Add(current);
            if (onStep is not null && !onStep(step, current)) break;
        }
        return losses;
    }
}
