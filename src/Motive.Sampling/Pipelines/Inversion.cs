using Motive.Models.Loading;
using Motive.Sampling.Ddim;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Sampling.Pipelines;

/// <summary>
/// A DDIM inversion: <see cref="Trajectory"/>[i] is the latent that enters sampling step i (timestep
/// <see cref="Timesteps"/>[i], noisiest first — the order a sampler consumes, as Motion Guidance's cached latents);
/// Trajectory[0] is z_T. <see cref="Z0"/> is the encoded image.
/// </summary>
public sealed record InversionResult(long[] Timesteps, Tensor Trajectory, Tensor Z0) : IDisposable
{
    public void Dispose()
    {
        Trajectory.Dispose();
        Z0.Dispose();
    }
}

public static class Inversion
{
    /// <summary>
    /// Image [1,3,H,W] in [-1,1] → latents at every step, by running DDIM backwards: at each step the noise is
    /// predicted from the current (less noisy) latent at the next, noisier timestep, and x is moved to that level.
    /// </summary>
    /// <param name="model">The Stable Diffusion model.</param>
    /// <param name="image">[1,3,H,W] in [-1,1].</param>
    /// <param name="prompt">The prompt the image is described by ("" for none).</param>
    /// <param name="steps">DDIM steps (the schedule of the sampler that will consume the trajectory).</param>
    /// <param name="guidanceScale">Classifier-free guidance during inversion (1 = none, the usual choice).</param>
    /// <param name="refinements">
    /// Fixed-point refinements per step (0 = the classic inversion of the references). Each re-predicts the noise at
    /// the new, noisier latent and redoes the step, so that a DDIM step from the result lands back on the input
    /// (exact inversion when the iteration converges).
    /// </param>
    /// <param name="onStep">Progress callback (done, total).</param>
    /// <param name="cancel">Stops between steps.</param>
    public static InversionResult Invert(StableDiffusionModel model, Tensor image, string prompt, int steps, double guidanceScale = 1.0,
        int refinements = 0, Action<int, int>? onStep = null, CancellationToken cancel = default) =>
        Invert(model, DdimSchedule.From(model.SchedulerConfig), image, prompt, steps, guidanceScale, refinements, onStep, cancel);

    /// <summary>The same with a given schedule (its spacing and final ᾱ: a method that samples with its own schedule inverts with it too).</summary>
    public static InversionResult Invert(StableDiffusionModel model, DdimSchedule schedule, Tensor image, string prompt, int steps,
        double guidanceScale = 1.0, int refinements = 0, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        using var cond = new Conditioning(model, prompt, "", guidanceScale);
        return Invert(model, schedule, image, cond, steps, steps, refinements, onStep, cancel);
    }

    /// <summary>
    /// Partial inversion with given text conditioning: only the <paramref name="inverted"/> least noisy of the
    /// <paramref name="steps"/> steps are run (DragDiffusion: 35 of 50, "inversion strength" 0.7), so the result's
    /// <see cref="InversionResult.Timesteps"/> are the last <paramref name="inverted"/> of the schedule's, noisiest first,
    /// and Trajectory[0] is the latent at the first of them.
    /// </summary>
    public static InversionResult Invert(StableDiffusionModel model, DdimSchedule schedule, Tensor image, Conditioning cond, int steps,
        int inverted, int refinements = 0, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        var timesteps = schedule.Timesteps(steps);                       // noisiest first
        if (inverted < 1 || inverted > steps) throw new ArgumentException($"the inversion runs 1 to {steps} steps, not {inverted}");
        int first = steps - inverted;
        using var z0 = Latents.Encode(model, image);
        var states = new Tensor[inverted];
        var x = z0.clone();
        using var quiet = Motive.Models.Runtime.QuietGc.Loop();   // leaves the no-GC region of the last step, however the loop ends
        using (no_grad())
        {
            for (int k = steps - 1; k >= first; k--)                      // ascending timesteps
            {
                cancel.ThrowIfCancellationRequested();
                Motive.Models.Runtime.QuietGc.Step();   // implicit Scalars stay alive through the step (see QuietGc)
                using var scope = NewDisposeScope();
                long t = timesteps[k];
                float alpha = schedule.Alpha(DdimSchedule.Previous(timesteps, k)), alphaNext = schedule.Alpha(t);
                var eps = cond.Predict(model, x.to(model.DType), t);
                var next = DdimMath.InvertStep(x, eps, alpha, alphaNext, schedule.PredictionType);
                for (int r = 0; r < refinements; r++)
                    next = DdimMath.InvertStep(x, cond.Predict(model, next.to(model.DType), t), alpha, alphaNext, schedule.PredictionType);
                next = next.MoveToOuterDisposeScope();
                x.Dispose();
                x = next;
                states[k - first] = x.to(CPU).clone().DetachFromDisposeScope();   // kept beyond this step's scope
                onStep?.Invoke(steps - k, inverted);
            }
        }
        x.Dispose();
        var trajectory = stack(states, 0);
        foreach (var s in states) s.Dispose();
        return new InversionResult(timesteps[first..], trajectory, z0.to(CPU).clone());
    }
}
