using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using Motive.Models.Unet;
using Motive.Models.Vae;
using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>
/// The raw outputs of one denoiser call, in the scheduler's prediction type: the unconditional branch (null when
/// classifier-free guidance is off) and the conditional one, kept apart so that a guidance rule can weigh them.
/// </summary>
public sealed record DenoiserOutput(Tensor? Uncond, Tensor Cond);

/// <summary>
/// What the guided sampler calls: a noise predictor over latents and, for energies that look at pictures, the
/// decoder of x̂₀. Stable Diffusion is <see cref="UnetDenoiser"/>; tests use small fakes.
/// </summary>
public interface IDenoiser
{
    /// <summary>Latents, schedules and losses are in this dtype (float32 for half-precision models).</summary>
    ScalarType SchedulerDType { get; }
    Device Device { get; }
    /// <summary>epsilon | v_prediction.</summary>
    string PredictionType { get; }

    /// <summary>The branches at latents <paramref name="z"/> and timestep <paramref name="t"/>, on the autograd graph of z.</summary>
    DenoiserOutput Predict(Tensor z, long t, NetworkHooks? hooks);

    /// <summary>Scaled latents x̂₀ → picture in [-1,1] (unclamped, differentiable).</summary>
    Tensor Decode(Tensor x0);

    /// <summary>One branch alone (conditional, or unconditional when CFG is on), for gradients taken a branch at a time.</summary>
    Tensor PredictBranch(Tensor z, long t, bool conditional, NetworkHooks? hooks)
    {
        var o = Predict(z, t, hooks);
        return conditional ? o.Cond : o.Uncond ?? throw new InvalidOperationException("no unconditional branch without classifier-free guidance");
    }

    /// <summary><see cref="Decode"/> as a chain of segments, for gradient checkpointing (one segment unless the decoder has finer ones).</summary>
    IReadOnlyList<Func<Tensor, Tensor>> DecodeSegments() => [Decode];
}

/// <summary>
/// Stable Diffusion's UNet and VAE with one prompt's conditioning (both branches in one batch, diffusers' order:
/// unconditional first). Weights run in <paramref name="dtype"/>; latents, schedules and losses in float32.
/// </summary>
public sealed class UnetDenoiser(UNet2DConditionModel unet, AutoencoderKL vae, Conditioning cond, string predictionType, ScalarType dtype, Device device) : IDenoiser
{
    public UnetDenoiser(StableDiffusionModel model, Conditioning cond)
        : this(model.Unet, model.Vae, cond, Motive.Sampling.Schedules.DdimSchedule.From(model.SchedulerConfig).PredictionType, model.DType, model.Device) { }

    public ScalarType SchedulerDType => dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
    public Device Device => device;
    public string PredictionType => predictionType;

    public DenoiserOutput Predict(Tensor z, long t, NetworkHooks? hooks)
    {
        var x = z.to(dtype);
        var input = cond.Guided ? cat([x, x], 0) : x;
        var output = unet.Forward(input, tensor(t, device: device), cond.Context.to(dtype), hooks).to(SchedulerDType);
        if (!cond.Guided) return new DenoiserOutput(null, output);
        var parts = output.chunk(2, 0);
        return new DenoiserOutput(parts[0], parts[1]);
    }

    public Tensor Decode(Tensor x0) => vae.Decode((x0 / vae.Config.ScalingFactor).to(dtype));

    public Tensor PredictBranch(Tensor z, long t, bool conditional, NetworkHooks? hooks)
    {
        if (!cond.Guided && !conditional) throw new InvalidOperationException("no unconditional branch without classifier-free guidance");
        var context = cond.Guided ? cond.Context.narrow(0, conditional ? 1 : 0, 1) : cond.Context;
        return unet.Forward(z.to(dtype), tensor(t, device: device), context.to(dtype), hooks).to(SchedulerDType);
    }

    public IReadOnlyList<Func<Tensor, Tensor>> DecodeSegments()
    {
        var segments = vae.DecodeSegments();
        double scaling = vae.Config.ScalingFactor;
        return [x0 => segments[0]((x0 / scaling).to(dtype)), .. segments.Skip(1)];
    }
}
