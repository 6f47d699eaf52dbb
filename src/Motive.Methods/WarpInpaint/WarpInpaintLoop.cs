using Motive.Models.Runtime;
using Motive.Sampling.Ddim;
using Motive.Sampling.Inpainting;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Methods.WarpInpaint;

/// <summary>
/// Masked DDIM (η = 0) over a known latent with holes (<see cref="MaskedDdim"/>): after every step the known cells
/// are set to the known latent at that step's noise level and the hole cells keep the model's step; with
/// resamplings r, each step is redone r more times after jumping back to its noisier level (RePaint).
/// <para>
/// The known latent is brought to each level with one fixed noise ε drawn from the seed, x_t = √ᾱ_t z₀ + √(1−ᾱ_t) ε,
/// not a fresh draw per step (RePaint) nor the DDIM inversion of the warp: at η = 0 DDIM moves along such a fixed-noise
/// path, so the known cells lie where DDIM itself would take them and the model sees one coherent x_t; an inversion
/// would cost a UNet pass per step (doubling a preview's time) and drifts from z₀, and z₀ is what the known region
/// must come back to. The holes start from the same ε (RePaint's x_T ~ N(0, I)), so with every cell a hole this is
/// plain DDIM from ε, and with none the result is the known latent itself.
/// </para>
/// </summary>
public static class WarpInpaintLoop
{
    /// <param name="predict">The model's output (ε̂ or v, as the schedule's prediction type) for latents x at timestep t.</param>
    /// <param name="schedule">The DDIM schedule.</param>
    /// <param name="timesteps">The steps, noisiest first.</param>
    /// <param name="known">z₀ of the known picture (1,4,h,w), the loop's dtype and device.</param>
    /// <param name="noise">ε, the known region's path noise and the holes' start (as <paramref name="known"/>).</param>
    /// <param name="hole">(1,1,h,w), 1 = the model fills the cell.</param>
    /// <param name="resamplings">Extra passes of each step (0 = none).</param>
    /// <param name="generator">Where the resampling's jump noise comes from (drawn in step order: the same seed gives the same result).</param>
    /// <param name="onStep">Progress (done, total).</param>
    /// <param name="onX0">Each step's estimate of the clean latent, known cells from z₀ (for previews).</param>
    /// <param name="cancel">Stops between passes.</param>
    public static Tensor Sample(Func<Tensor, long, Tensor> predict, DdimSchedule schedule, long[] timesteps, Tensor known, Tensor noise, Tensor hole,
        int resamplings, Generator generator, Action<int, int>? onStep = null, Action<int, Tensor>? onX0 = null, CancellationToken cancel = default)
    {
        if (timesteps.Length == 0) throw new ArgumentException("the loop needs at least one step");
        using var _ = no_grad();
        using var quiet = QuietGc.Loop();   // leaves the no-GC region of the last step, however the loop ends
        Tensor x;
        using (var start = MaskedDdim.QSample(known, noise, schedule.Alpha(timesteps[0]))) x = MaskedDdim.Blend(start, noise, hole);
        for (int i = 0; i < timesteps.Length; i++)
        {
            QuietGc.Step();   // implicit Scalars stay alive through the step (see QuietGc)
            using var scope = NewDisposeScope();
            long t = timesteps[i];
            float alpha = schedule.Alpha(t), alphaPrev = schedule.Alpha(DdimSchedule.Previous(timesteps, i));
            // After the last step the known cells are z₀ itself: the path ends at the clean latent. (The holes end where
            // plain DDIM does, √ᾱ x̂₀ + √(1−ᾱ) ε̂ at the final ᾱ, a hair from clean; the known cells need no such hair.)
            bool last = i == timesteps.Length - 1;
            var knownPrev = last ? known : MaskedDdim.QSample(known, noise, alphaPrev);
            var current = x;
            Tensor prev = current;
            for (int pass = 0; pass <= resamplings; pass++)
            {
                cancel.ThrowIfCancellationRequested();
                var output = predict(current, t);
                var (stepped, x0) = DdimMath.Step(current, output, alpha, alphaPrev, 0, schedule.PredictionType);
                prev = MaskedDdim.Blend(knownPrev, stepped, hole);
                if (pass == resamplings)
                {
                    if (onX0 is not null) onX0(i, MaskedDdim.Blend(known, x0, hole));
                    break;
                }
                // Back to step i's level: the holes by the forward process from where they got to, the known cells on their path.
                var z = randn(current.shape, generator: generator).to(current.dtype, current.device);
                current = MaskedDdim.Blend(MaskedDdim.QSample(known, noise, alpha), MaskedDdim.Renoise(prev, alphaPrev, alpha, z), hole);
            }
            var next = prev.MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
            onStep?.Invoke(i + 1, timesteps.Length);
        }
        return x;
    }
}
