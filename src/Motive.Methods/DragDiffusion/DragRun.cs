using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Methods.DragDiffusion;

/// <summary>What a drag run made: both final latents (source, edit), the edit decoded, and the steps on the way.</summary>
public sealed record DragRunResult(Tensor FinalLatents, Tensor Image, long Timestep, InversionResult Inversion, DragUpdateResult Update) : IDisposable
{
    public void Dispose()
    {
        FinalLatents.Dispose();
        Image.Dispose();
        Inversion.Dispose();
        Update.Dispose();
    }
}

/// <summary>
/// DragDiffusion's real-image pipeline (utils/ui_utils.run_drag): DDIM-invert the image to t = timesteps[steps −
/// inverted] (681 with the reference's 35 of 50), optimise that latent (<see cref="DragUpdate"/>), then denoise the
/// batch [inverted, optimised] with mutual self-attention, so the edit takes the source's appearance from its
/// keys and values; the edit is item 1. The model's LoRA, if any, is attached by the caller.
/// </summary>
public static class DragRun
{
    /// <summary>The reference's schedule: DDIM, SD's betas, steps_offset 1, set_alpha_to_one false (whatever the model's file says).</summary>
    public static DdimSchedule Schedule => DdimSchedule.StableDiffusion;

    /// <param name="model">The model (fp32 or lower; the drag loop runs the UNet on float32 latents).</param>
    /// <param name="image">(1,3,H,W) in [-1,1], H and W multiples of 8.</param>
    /// <param name="context">Text states (1,77,D) of the prompt.</param>
    /// <param name="uncond">Text states of the negative prompt (used when <see cref="DragSettings.Cfg"/> &gt; 1).</param>
    /// <param name="handles">Handles on the (H/2, W/2) grid.</param>
    /// <param name="targets">Their targets.</param>
    /// <param name="editable">(1,1,H/2,W/2), 1 = may change.</param>
    /// <param name="settings">The run's numbers.</param>
    /// <param name="keepTensors">Keep per-iteration tensors (parity).</param>
    /// <param name="report">Progress: (phase, done, total).</param>
    /// <param name="cancel">Ctrl+C or DELETE.</param>
    public static DragRunResult Run(StableDiffusionModel model, Tensor image, Tensor context, Tensor uncond, IReadOnlyList<GridPoint> handles,
        IReadOnlyList<GridPoint> targets, Tensor editable, DragSettings settings, bool keepTensors = false,
        Action<string, int, int>? report = null, CancellationToken cancel = default)
    {
        InversionResult inversion;
        using (var plain = new Conditioning(context, uncond, 1.0))
            inversion = Inversion.Invert(model, Schedule, image, plain, settings.Steps, settings.InvertedSteps,
                onStep: (d, n) => report?.Invoke("invert", d, n), cancel: cancel);
        return FromLatent(model, inversion, context, uncond, handles, targets, editable, settings, keepTensors, report, cancel);
    }

    /// <summary>
    /// The drag from a latent already at the drag timestep: <paramref name="start"/>'s Trajectory[0] at Timesteps[0],
    /// the timesteps it is then denoised over (an inversion's, or a generated picture's own trajectory: run_drag_gen).
    /// Takes ownership of <paramref name="start"/>.
    /// </summary>
    public static DragRunResult FromLatent(StableDiffusionModel model, InversionResult start, Tensor context, Tensor uncond, IReadOnlyList<GridPoint> handles,
        IReadOnlyList<GridPoint> targets, Tensor editable, DragSettings settings, bool keepTensors = false,
        Action<string, int, int>? report = null, CancellationToken cancel = default)
    {
        var schedule = Schedule;
        DragUpdateResult? update = null;
        try
        {
            long t = start.Timesteps[0];
            // The drag loop's own DDIM step looks one schedule step down, with the reference's "prev > 0" rule.
            long prev = t - schedule.TrainSteps / settings.Steps;
            float alpha = schedule.Alpha(t), alphaPrev = prev > 0 ? schedule.Alpha(prev) : schedule.FinalAlphaCumprod;
            using var z = start.Trajectory[0].to(model.Device);
            update = DragUpdate.Run(model.Unet, z, t, alpha, alphaPrev, context, uncond, handles, targets, editable, settings, keepTensors,
                (d, n) => report?.Invoke("drag", d, n), cancel);

            using var batch = cat([z, update.Latent], 0);
            using var cond = new Conditioning(context, uncond, settings.Cfg);
            int layers = model.Unet.Attentions.Count(a => a.Path.EndsWith(".attn1", StringComparison.Ordinal));
            var mutual = new MutualSelfAttention(settings.StartStep, settings.StartLayer, layers, cond.Guided);
            var final = DdimSampler.Sample(model, schedule, start.Timesteps, batch, cond, onStep: (d, n) => report?.Invoke("denoise", d, n),
                cancel: cancel, hooks: mutual.Hooks);
            using var edit = final[1..2];
            var decoded = Latents.Decode(model, edit);
            return new DragRunResult(final, decoded, t, start, update);
        }
        catch
        {
            start.Dispose();
            update?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A picture to drag generated from the prompt (run_drag_gen's source): DDIM from seeded noise with CFG, keeping the
    /// latent entering step steps − inverted as the drag's start. Returns the picture (1,3,H,W) in [0,1] and that start.
    /// </summary>
    public static (Tensor Image, InversionResult Start) Generate(StableDiffusionModel model, Tensor context, Tensor uncond, long seed, int width, int height,
        DragSettings settings, Action<string, int, int>? report = null, CancellationToken cancel = default)
    {
        var timesteps = Schedule.Timesteps(settings.Steps);
        int first = settings.Steps - settings.InvertedSteps;
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        using var noise = randn([1, 4, height / 8, width / 8], generator: generator);
        using var cond = new Conditioning(context, uncond, settings.Cfg);
        Tensor? kept = null;
        using var final = DdimSampler.Sample(model, Schedule, timesteps, noise, cond, onStep: (d, n) => report?.Invoke("generate", d, n), cancel: cancel,
            onLatent: (i, x) => { if (i == first) kept = x.to(CPU).unsqueeze(0).clone().DetachFromDisposeScope(); });
        var image = Latents.Decode(model, final);
        return (image, new InversionResult(timesteps[first..], kept!, final.to(CPU).clone()));
    }
}
