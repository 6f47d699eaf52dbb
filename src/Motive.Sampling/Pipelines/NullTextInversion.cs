using Motive.Models.Loading;
using Motive.Models.Optim;
using Motive.Sampling.Ddim;
using Motive.Sampling.Schedules;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Motive.Sampling.Pipelines;

/// <summary>Settings of null-text inversion (the notebook's defaults: 10 inner steps, early stop at 1e-5).</summary>
public sealed record NullTextSettings(int Steps = 50, double Guidance = 7.5, int InnerSteps = 10, double EarlyStop = 1e-5);

/// <summary>
/// A picture inverted for editing under classifier-free guidance: the pivot trajectory (plain DDIM inversion with
/// the prompt alone; [0] = the encoded picture, [k] after k inverse steps, so [N] = x_T) and, per sampling step i, the
/// optimised unconditional text [1, 77, D]. Sampling from x_T with these reproduces the picture at full guidance.
/// The loss, gradient and latent records are what the reference's replay compares.
/// </summary>
public sealed class NullTextResult : IDisposable
{
    public required long[] Timesteps { get; init; }
    public required Tensor Pivot { get; init; }
    public required Tensor Uncond { get; init; }
    public required NullTextRecords Records { get; init; }

    /// <summary>x_T: the pivot's noisiest latent [1, 4, h, w].</summary>
    public Tensor XT => Pivot[^1];

    public void Dispose()
    {
        Pivot.Dispose();
        Uncond.Dispose();
        Records.Dispose();
    }
}

/// <summary>Per step the inner iterations run; when kept, per iteration the loss and ∂loss/∂uncond, and per step the guided latent.</summary>
public sealed class NullTextRecords : IDisposable
{
    public List<int> InnerSteps { get; } = [];
    public List<double> Losses { get; } = [];
    public List<Tensor> Gradients { get; } = [];
    public List<Tensor> GuidedLatents { get; } = [];

    public void Dispose()
    {
        foreach (var t in Gradients.Concat(GuidedLatents)) t.Dispose();
    }
}

/// <summary>
/// Null-text inversion (Mokady et al.; null_text_w_ptp.ipynb NullInversion, doc §5): DDIM inversion with the
/// prompt alone as the pivot, then per step i, from the guided latent so far, Adam (a fresh one per step, learning rate
/// 1e-2·(1 − i/100), warm-started from step i−1's result) on the unconditional embedding so that one guided DDIM step
/// lands on the pivot's latent; the latent then follows the guided path with that step's embedding. Early stop when
/// the loss before the Adam step falls under ε + 2e-5·i (the step is taken first, as in the reference).
/// </summary>
public static class NullTextInversion
{
    /// <param name="model">The Stable Diffusion model (its UNet is frozen while the embedding is optimised).</param>
    /// <param name="schedule">ᾱ and the spacing of the sampler that will use the result.</param>
    /// <param name="image">[1, 3, H, W] in [−1, 1].</param>
    /// <param name="cond">[1, 77, D] the prompt's text states.</param>
    /// <param name="uncond">[1, 77, D] the empty prompt's, the starting point.</param>
    /// <param name="settings">Steps, guidance, inner steps, early stop.</param>
    /// <param name="keepRecords">Keep each inner step's gradient and each step's latent (replays).</param>
    /// <param name="onStep">Progress (done, total) over the inversion's N steps then the optimisation's N.</param>
    /// <param name="cancel">Stops between steps.</param>
    public static NullTextResult Invert(StableDiffusionModel model, DdimSchedule schedule, Tensor image, Tensor cond, Tensor uncond,
        NullTextSettings settings, bool keepRecords = false, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        int n = settings.Steps;
        var timesteps = schedule.Timesteps(n);
        Tensor pivot;
        using (var plain = new Conditioning(cond, uncond, 1.0))
        using (var inverted = Inversion.Invert(model, schedule, image, plain, n, n, onStep: (k, _) => onStep?.Invoke(k, 2 * n), cancel: cancel))
            pivot = cat([inverted.Z0.unsqueeze(0), inverted.Trajectory.flip(0)], 0);   // [N+1, 1, 4, h, w], least noisy first
        var records = new NullTextRecords();
        try
        {
            var optimised = Optimise(model, schedule, timesteps, pivot, cond, uncond, settings, records, keepRecords,
                i => onStep?.Invoke(n + i, 2 * n), cancel);
            return new NullTextResult { Timesteps = timesteps, Pivot = pivot, Uncond = optimised, Records = records };
        }
        catch
        {
            pivot.Dispose();
            records.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Samples the picture back from <see cref="NullTextResult.XT"/> under guidance <paramref name="guidance"/> (the
    /// inversion's), step i with its optimised unconditional embedding: the reconstruction the method edits from.
    /// Returns the clean latents [1, 4, h, w].
    /// </summary>
    public static Tensor Reconstruct(StableDiffusionModel model, DdimSchedule schedule, NullTextResult inverted, Tensor cond, double guidance,
        Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        var c = cond.to(model.DType, model.Device);
        return DdimSampler.Sample(model, schedule, inverted.Timesteps, inverted.XT, (i, x) =>
        {
            using var step = new Conditioning(c, inverted.Uncond[i].to(model.DType, model.Device), guidance);
            return step.Predict(model, x, inverted.Timesteps[i]);
        }, onStep: onStep, cancel: cancel);
    }

    private static Tensor Optimise(StableDiffusionModel model, DdimSchedule schedule, long[] timesteps, Tensor pivot, Tensor cond, Tensor uncond,
        NullTextSettings s, NullTextRecords records, bool keep, Action<int> onStep, CancellationToken cancel)
    {
        int n = s.Steps;
        var u = uncond.to(float32, model.Device).detach().clone();
        var z = pivot[n].to(float32, model.Device);
        var found = new List<Tensor>();
        using var frozen = Frozen.AllBut(model.Unet);
        using var quiet = Motive.Models.Runtime.QuietGc.Loop();
        for (int i = 0; i < n; i++)
        {
            cancel.ThrowIfCancellationRequested();
            Motive.Models.Runtime.QuietGc.Step();
            using var scope = NewDisposeScope();
            var (ui, next, inner) = Step(model, schedule, timesteps, i, z, u, pivot[n - 1 - i], cond, s, keep ? records : null);
            records.InnerSteps.Add(inner);
            if (keep) records.GuidedLatents.Add(next.cpu().clone().DetachFromDisposeScope());
            found.Add(ui.cpu().DetachFromDisposeScope());
            z.Dispose();
            u.Dispose();
            z = next.DetachFromDisposeScope();
            u = ui.DetachFromDisposeScope();
            onStep(i + 1);
        }
        z.Dispose();
        u.Dispose();
        var stacked = stack(found, 0);
        foreach (var f in found) f.Dispose();
        return stacked;
    }

    /// <summary>
    /// Outer step <paramref name="i"/> alone: from the guided latent <paramref name="z"/> and the previous step's
    /// embedding <paramref name="u"/>, the optimised embedding, the next guided latent and the inner iterations run.
    /// The UNet must be frozen by the caller. Replays run it from recorded inputs (teacher forcing), because Adam's
    /// first step moves each element by about lr·sign(∂loss/∂u), which amplifies float rounding where the gradient
    /// is near Adam's ε.
    /// </summary>
    public static (Tensor Uncond, Tensor Next, int Inner) Step(StableDiffusionModel model, DdimSchedule schedule, long[] timesteps, int i,
        Tensor z, Tensor u, Tensor target, Tensor cond, NullTextSettings s, NullTextRecords? r = null)
    {
        var device = model.Device;
        var c = cond.to(model.DType, device);
        z = z.to(float32, device);
        target = target.to(float32, device);
        long t = timesteps[i];
        float alpha = schedule.Alpha(t), alphaPrev = schedule.Alpha(DdimSchedule.Previous(timesteps, i));
        var tt = tensor(t, device: device);
        Tensor epsCond;
        using (no_grad()) epsCond = model.Unet.Forward(z.to(model.DType), tt, c).to(float32);
        var p = new Parameter(u.to(float32, device).detach().clone(), requires_grad: true);
        int inner = 0;
        using (var adam = new AdamW([("uncond", p)], 1e-2 * (1 - i / 100.0), 0))
        {
            for (int j = 0; j < s.InnerSteps; j++)
            {
                using var _ = enable_grad();
                var epsUncond = model.Unet.Forward(z.to(model.DType), tt, p.to(model.DType)).to(float32);
                var (prev, _) = DdimMath.Step(z, Conditioning.Mix(epsUncond, epsCond, s.Guidance), alpha, alphaPrev, 0);
                var loss = (prev - target).square().mean();
                adam.ZeroGrad();
                loss.backward();
                r?.Gradients.Add(p.grad!.detach().cpu().clone().DetachFromDisposeScope());
                adam.Step();
                inner++;
                double value = loss.item<float>();
                r?.Losses.Add(value);
                if (value < s.EarlyStop + i * 2e-5) break;
            }
        }
        var ui = p.detach().clone();
        using var __ = no_grad();
        var output = model.Unet.Forward(cat([z, z], 0).to(model.DType), tt, cat([ui.to(model.DType), c], 0)).to(float32).chunk(2, 0);
        var (next, _) = DdimMath.Step(z, Conditioning.Mix(output[0], output[1], s.Guidance), alpha, alphaPrev, 0);
        return (ui, next, inner);
    }
}
