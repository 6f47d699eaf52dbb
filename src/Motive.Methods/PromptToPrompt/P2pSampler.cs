using Motive.Models.Unet;
using Motive.Sampling.Ddim;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Methods.PromptToPrompt;

/// <summary>What a controlled run records per step, when asked (replays, outputs): the guided ε̂, the latents before and after the blend, the blend masks.</summary>
public sealed class P2pTrace : IDisposable
{
    public List<Tensor> NoisePreds { get; } = [];
    public List<Tensor> BeforeBlend { get; } = [];
    public List<Tensor> Latents { get; } = [];
    public List<Tensor?> Masks { get; } = [];

    internal void Add(List<Tensor> list, Tensor t) => list.Add(t.detach().cpu().clone().DetachFromDisposeScope());

    public void Dispose()
    {
        foreach (var t in NoisePreds.Concat(BeforeBlend).Concat(Latents).Concat(Masks.OfType<Tensor>())) t.Dispose();
    }
}

/// <summary>
/// Prompt-to-Prompt's sampling loop (ptp_utils.text2image_ldm_stable, doc §4): B prompts from one x_T, DDIM (η = 0)
/// with classifier-free guidance over the batch [uncond × B, cond × B], the attention controller inside every UNet
/// call and its step end (store, LocalBlend) after every DDIM step. The unconditional text may change per step (the
/// embeddings null-text inversion optimised); every item uses the same one.
/// </summary>
public static class P2pSampler
{
    /// <param name="unet">The denoiser.</param>
    /// <param name="schedule">ᾱ and the spacing.</param>
    /// <param name="timesteps">Noisiest first.</param>
    /// <param name="xT">[1, 4, h, w] starting latent, shared by every prompt.</param>
    /// <param name="cond">[B, 77, D] the prompts' text states.</param>
    /// <param name="uncondAt">[1, 77, D] the unconditional text at step i.</param>
    /// <param name="guidance">Classifier-free guidance scale.</param>
    /// <param name="control">The attention controller (its step count must start at 0).</param>
    /// <param name="trace">Per-step records, when wanted.</param>
    /// <param name="onStep">Progress (done, total).</param>
    /// <param name="cancel">Stops between steps.</param>
    /// <returns>The final latents [B, 4, h, w].</returns>
    public static Tensor Run(UNet2DConditionModel unet, DdimSchedule schedule, long[] timesteps, Tensor xT, Tensor cond,
        Func<int, Tensor> uncondAt, double guidance, AttentionControl control, P2pTrace? trace = null,
        Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        long b = cond.shape[0];
        var device = cond.device;
        var dtype = cond.dtype;
        var z = xT.to(float32, device).expand(b, -1, -1, -1).clone().DetachFromDisposeScope();
        using var quiet = Motive.Models.Runtime.QuietGc.Loop();
        using var _ = no_grad();
        try
        {
            for (int i = 0; i < timesteps.Length; i++)
            {
                cancel.ThrowIfCancellationRequested();
                Motive.Models.Runtime.QuietGc.Step();
                using var scope = NewDisposeScope();
                long t = timesteps[i];
                var context = cat([uncondAt(i).to(dtype, device).expand(b, -1, -1), cond], 0);
                var output = unet.Forward(cat([z, z], 0).to(dtype), tensor(t, device: device), context, control.Hooks()).to(float32);
                var parts = output.chunk(2, 0);
                var eps = Conditioning.Mix(parts[0], parts[1], guidance);
                var (prev, _) = DdimMath.Step(z, eps, schedule.Alpha(t), schedule.Alpha(DdimSchedule.Previous(timesteps, i)), 0);
                var (next, mask) = control.EndStep(prev);
                if (trace is not null)
                {
                    trace.Add(trace.NoisePreds, eps);
                    trace.Add(trace.BeforeBlend, prev);
                    trace.Add(trace.Latents, next);
                    trace.Masks.Add(mask?.detach().cpu().clone().DetachFromDisposeScope());
                }
                next = next.DetachFromDisposeScope();
                z.Dispose();
                z = next;
                onStep?.Invoke(i + 1, timesteps.Length);
            }
            return z;
        }
        catch
        {
            z.Dispose();
            throw;
        }
    }
}
