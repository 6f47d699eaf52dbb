using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Sampling.Ddim;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Sampling.Pipelines;

/// <summary>Text conditioning for one sampling run: the prompt's states and, for classifier-free guidance, the negative's.</summary>
public sealed class Conditioning : IDisposable
{
    /// <summary>Given text states (1,77,D) (e.g. a reference run's); <paramref name="uncond"/> is used when the scale exceeds 1.</summary>
    public Conditioning(Tensor cond, Tensor uncond, double guidanceScale)
    {
        GuidanceScale = guidanceScale;
        Context = guidanceScale > 1.0 ? cat([uncond, cond], 0) : cond.clone();
    }

    public Conditioning(StableDiffusionModel model, string prompt, string negativePrompt, double guidanceScale)
    {
        GuidanceScale = guidanceScale;
        using var cond = Prompts.Encode(model, prompt);
        if (guidanceScale > 1.0)
        {
            using var uncond = Prompts.Encode(model, negativePrompt);
            Context = cat([uncond, cond], 0);      // diffusers' order: unconditional first
        }
        else
        {
            Context = cond.clone();
        }
    }

    public double GuidanceScale { get; }
    public Tensor Context { get; }
    public bool Guided => GuidanceScale > 1.0;

    /// <summary>The guided model output (in the model's scheduler dtype) for latents x at timestep t.</summary>
    /// <remarks>A batch of B latents shares the text: the context is repeated to [u×B, c×B] (or c×B) to match.</remarks>
    public Tensor Predict(StableDiffusionModel model, Tensor x, long t, NetworkHooks? hooks = null)
    {
        var input = Guided ? cat([x, x], 0) : x;
        using var context = ContextFor(x.shape[0]);
        var output = model.Unet.Forward(input, tensor(t, device: model.Device), context, hooks).to(model.SchedulerDType);
        if (!Guided) return output;
        var parts = output.chunk(2, 0);
        return Mix(parts[0], parts[1], GuidanceScale);
    }

    private Tensor ContextFor(long batch)
    {
        if (batch == 1) return Context.alias();
        var halves = Guided ? Context.chunk(2, 0) : [Context];
        return cat(halves.Select(h => h.expand(batch, -1, -1)).ToArray(), 0);
    }

    /// <summary>Classifier-free guidance: ε̂ = ε_u + w (ε_c − ε_u).</summary>
    public static Tensor Mix(Tensor uncond, Tensor cond, double scale)
    {
        using var s = (TorchSharp.Scalar)scale;   // explicit: an implicit Scalar may be freed by the finalizer while libtorch reads it
        return uncond + (cond - uncond) * s;
    }

    public void Dispose() => Context.Dispose();
}

/// <summary>The DDIM sampling loop: from latents at <c>timesteps[0]</c> down to the clean latents.</summary>
public static class DdimSampler
{
    public static Tensor Sample(StableDiffusionModel model, DdimSchedule schedule, long[] timesteps, Tensor latents, Conditioning cond,
        double eta = 0, Generator? generator = null, Action<int, int>? onStep = null, CancellationToken cancel = default,
        Action<int, Tensor>? onLatent = null, NetworkHooks? hooks = null) =>
        Sample(model, schedule, timesteps, latents, (i, x) => cond.Predict(model, x, timesteps[i], hooks), eta, generator, onStep, cancel, onLatent);

    /// <summary>
    /// The same loop with the model output of step i for latents x given by <paramref name="predict"/> (in the
    /// scheduler dtype; its intermediates are freed with the step): a text that changes per step, as null-text
    /// inversion's.
    /// </summary>
    public static Tensor Sample(StableDiffusionModel model, DdimSchedule schedule, long[] timesteps, Tensor latents, Func<int, Tensor, Tensor> predict,
        double eta = 0, Generator? generator = null, Action<int, int>? onStep = null, CancellationToken cancel = default,
        Action<int, Tensor>? onLatent = null)
    {
        using var _ = no_grad();
        using var quiet = Motive.Models.Runtime.QuietGc.Loop();   // leaves the no-GC region of the last step, however the loop ends
        var x = latents.to(model.SchedulerDType, model.Device).clone();   // never the caller's tensor: x is disposed step by step
        for (int i = 0; i < timesteps.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            Motive.Models.Runtime.QuietGc.Step();   // implicit Scalars stay alive through the step (see QuietGc)
            using var scope = NewDisposeScope();
            onLatent?.Invoke(i, x);                                        // the latent entering step i
            long t = timesteps[i];
            var output = predict(i, x.to(model.DType));
            var noise = eta > 0 ? randn(x.shape, generator: generator).to(model.Device) : null;
            var (prev, _) = DdimMath.Step(x, output, schedule.Alpha(t), schedule.Alpha(DdimSchedule.Previous(timesteps, i)),
                eta, schedule.PredictionType, noise);
            var next = prev.MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
            onStep?.Invoke(i + 1, timesteps.Length);
        }
        return x;
    }
}
