using Motive.Models.Optim;
using Motive.Models.Unet;
using Motive.Sampling.Ddim;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// One drag iteration as it ran: the handles it used, its loss and mask part, each handle's tracking margin (best and
/// second-best feature distance; none at iteration 0, which does not track), and optionally its tensors.
/// </summary>
public sealed record DragIteration(IReadOnlyList<GridPoint> Handles, double Loss, double MaskLoss, IReadOnlyList<(float Best, float Second)> Tracking,
    Tensor? Gradient = null, Tensor? Latent = null, Tensor? PreviousLatent = null);

/// <summary>The optimised latent and how the loop went (<see cref="Reached"/>: it stopped because every handle arrived).</summary>
public sealed record DragUpdateResult(Tensor Latent, IReadOnlyList<DragIteration> Iterations, IReadOnlyList<GridPoint> FinalHandles, bool Reached,
    Tensor PreviousLatent0, Tensor EpsInitial) : IDisposable
{
    public void Dispose()
    {
        Latent.Dispose();
        PreviousLatent0.Dispose();
        EpsInitial.Dispose();
        foreach (var i in Iterations) { i.Gradient?.Dispose(); i.Latent?.Dispose(); i.PreviousLatent?.Dispose(); }
    }
}

/// <summary>
/// drag_diffusion_update (utils/drag_utils.py): the latent z_t alone is optimised (Adam) so that the UNet's decoder
/// features move from each handle toward its target, one cell per step (<see cref="MotionSupervision"/>), while the
/// one-step DDIM prediction x_{t−20} stays put outside the editable mask; from the second iteration the handles are
/// re-found by <see cref="PointTracking"/>. Order per iteration: forward, track, stop test, loss, Adam step.
/// </summary>
public static class DragUpdate
{
    /// <param name="unet">The UNet (its LoRA attached), frozen.</param>
    /// <param name="z">z_t (1,4,h,w), float32.</param>
    /// <param name="t">The timestep of z.</param>
    /// <param name="alpha">ᾱ_t; <paramref name="alphaPrev"/>: ᾱ of the step below (the reference's prev &gt; 0 rule).</param>
    /// <param name="alphaPrev">ᾱ of t − 1000/steps.</param>
    /// <param name="context">Text states (1,77,D).</param>
    /// <param name="uncond">Text states of the negative prompt, used when <see cref="DragSettings.Cfg"/> &gt; 1 (generated pictures:
    /// ε is the guided mix and the features are both branches' weighted by 1 − c and c, c = s/(2s − 1), side by side).</param>
    /// <param name="handles">Handles and <paramref name="targets"/> on the supervision grid.</param>
    /// <param name="targets">Targets, as many as handles.</param>
    /// <param name="editable">(1,1,gridH,gridW), 1 = may change.</param>
    /// <param name="settings">Radii, λ, rate, iterations, feature indices.</param>
    /// <param name="keepTensors">Keep each iteration's gradient, latent and x_{t−20} (parity checks).</param>
    /// <param name="onIteration">Progress (iteration done, most iterations).</param>
    /// <param name="cancel">Stops between iterations.</param>
    public static DragUpdateResult Run(UNet2DConditionModel unet, Tensor z, long t, float alpha, float alphaPrev, Tensor context, Tensor? uncond,
        IReadOnlyList<GridPoint> handles, IReadOnlyList<GridPoint> targets, Tensor editable, DragSettings settings,
        bool keepTensors = false, Action<int, int>? onIteration = null, CancellationToken cancel = default)
    {
        if (handles.Count != targets.Count || handles.Count == 0) throw new ArgumentException($"a drag needs as many targets as handles (at least one), got {handles.Count} and {targets.Count}");
        long gridH = editable.shape[2], gridW = editable.shape[3];
        using var frozen = Frozen.AllBut(unet);   // only the latent is optimised
        var dtype = unet.parameters().First().dtype;
        double s = settings.Cfg;
        bool guided = s > 1.0;
        if (guided && uncond is null) throw new ArgumentException("a drag with CFG above 1 needs the negative prompt's text states");
        using var texts = guided ? cat([uncond!, context], 0).to(dtype) : context.to(dtype);
        float c = (float)(s / (2 * s - 1));
        Tensor Eps(Tensor latent, out Tensor features)
        {
            var input = guided ? latent.repeat(2, 1, 1, 1) : latent;
            var (eps, f) = UnetFeatures.Forward(unet, input.to(dtype), t, texts, settings.FeatureIndices, gridH, gridW);
            features = (guided ? cat([f[0] * (1 - c), f[1] * c], 0).unsqueeze(0) : f).to(float32);
            if (!guided) return eps.to(float32);
            var parts = eps.to(float32).chunk(2, 0);
            return Sampling.Pipelines.Conditioning.Mix(parts[0], parts[1], s);
        }
        Tensor f0, xPrev0, eps0;
        using (no_grad())
        {
            eps0 = Eps(z, out f0).DetachFromDisposeScope();
            xPrev0 = DdimMath.Step(z, eps0, alpha, alphaPrev, 0).Prev.DetachFromDisposeScope();
            f0 = f0.DetachFromDisposeScope();
        }
        using var initialFeatures = f0;
        using var latentMask = F.interpolate(editable.to(float32), size: [z.shape[2], z.shape[3]], mode: InterpolationMode.Nearest);
        bool usingMask = latentMask.sum().item<float>() != 0;
        var latent = new TorchSharp.Modules.Parameter(z.to(float32).clone(), requires_grad: true);
        var initial = handles.ToList();
        var current = handles.ToList();
        IReadOnlyList<(float, float)> margins = [];
        var iterations = new List<DragIteration>();
        bool reached = false;
        double maskPart = 0;
        Tensor? xPrevKept = null;

        Minimize.Run([("latent", latent)], step =>
        {
            var eps = Eps(latent, out var f1);
            var xPrev = DdimMath.Step(latent, eps, alpha, alphaPrev, 0).Prev;
            if (step != 0)
            {
                var tracked = PointTracking.Track(initialFeatures, f1, current, initial, settings.TrackRadius);
                current = tracked.Select(p => p.Point).ToList();
                margins = tracked.Select(p => (p.Best, p.Second)).ToList();
            }
            if (MotionSupervision.AllReached(current, targets)) { reached = true; return null; }
            var loss = MotionSupervision.Loss(f1, current, targets, settings.MotionRadius);
            maskPart = 0;
            if (usingMask)
            {
                var mask = MotionSupervision.MaskTerm(xPrev, xPrev0, latentMask, settings.Lambda);
                maskPart = mask.item<float>();
                loss = loss is null ? mask : loss + mask;
            }
            xPrevKept = keepTensors ? xPrev.detach().clone().DetachFromDisposeScope() : null;
            return loss;
        }, settings.MaxIterations, settings.LatentLearningRate, weightDecay: 0, onStep: (step, loss) =>
        {
            iterations.Add(new DragIteration(current.ToList(), loss, maskPart, margins,
                keepTensors ? latent.grad!.clone().DetachFromDisposeScope() : null,
                keepTensors ? latent.detach().clone().DetachFromDisposeScope() : null, xPrevKept));
            onIteration?.Invoke(step + 1, settings.MaxIterations);
            return true;
        }, cancel);

        var result = latent.detach().clone();
        latent.Dispose();
        return new DragUpdateResult(result, iterations, current, reached, xPrev0, eps0);
    }
}
