using Motive.Guidance.Attention;
using Motive.Guidance.Drag;
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
    /// <param name="uncond">Text states of "" (used when <see cref="DragSettings.Cfg"/> &gt; 1).</param>
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
        var schedule = Schedule;
        InversionResult? inversion = null;
        DragUpdateResult? update = null;
        try
        {
            using (var plain = new Conditioning(context, uncond, 1.0))
                inversion = Inversion.Invert(model, schedule, image, plain, settings.Steps, settings.InvertedSteps,
                    onStep: (d, n) => report?.Invoke("invert", d, n), cancel: cancel);
            long t = inversion.Timesteps[0];
            // The drag loop's own DDIM step looks one schedule step down, with the reference's "prev > 0" rule.
            long prev = t - schedule.TrainSteps / settings.Steps;
            float alpha = schedule.Alpha(t), alphaPrev = prev > 0 ? schedule.Alpha(prev) : schedule.FinalAlphaCumprod;
            using var start = inversion.Trajectory[0].to(model.Device);
            update = DragUpdate.Run(model.Unet, start, t, alpha, alphaPrev, context, handles, targets, editable, settings, keepTensors,
                (d, n) => report?.Invoke("drag", d, n), cancel);

            using var batch = cat([start, update.Latent], 0);
            using var cond = new Conditioning(context, uncond, settings.Cfg);
            int layers = model.Unet.Attentions.Count(a => a.Path.EndsWith(".attn1", StringComparison.Ordinal));
            var mutual = new MutualSelfAttention(settings.StartStep, settings.StartLayer, layers, cond.Guided);
            var final = DdimSampler.Sample(model, schedule, inversion.Timesteps, batch, cond, onStep: (d, n) => report?.Invoke("denoise", d, n),
                cancel: cancel, hooks: mutual.Hooks);
            using var edit = final[1..2];
            var decoded = Latents.Decode(model, edit);
            return new DragRunResult(final, decoded, t, inversion, update);
        }
        catch
        {
            inversion?.Dispose();
            update?.Dispose();
            throw;
        }
    }
}
