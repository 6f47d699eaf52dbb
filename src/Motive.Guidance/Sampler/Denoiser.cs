using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
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
}

/// <summary>Stable Diffusion's UNet with one prompt's conditioning (both branches in one batch, diffusers' order: unconditional first).</summary>
public sealed class UnetDenoiser(StableDiffusionModel model, Conditioning cond) : IDenoiser
{
    public ScalarType SchedulerDType => model.SchedulerDType;
    public Device Device => model.Device;
    public string PredictionType { get; } = Motive.Sampling.Schedules.DdimSchedule.From(model.SchedulerConfig).PredictionType;

    public DenoiserOutput Predict(Tensor z, long t, NetworkHooks? hooks)
    {
        var x = z.to(model.DType);
        var input = cond.Guided ? cat([x, x], 0) : x;
        var output = model.Unet.Forward(input, tensor(t, device: model.Device), cond.Context, hooks).to(model.SchedulerDType);
        if (!cond.Guided) return new DenoiserOutput(null, output);
        var parts = output.chunk(2, 0);
        return new DenoiserOutput(parts[0], parts[1]);
    }

    public Tensor Decode(Tensor x0) => model.Vae.Decode((x0 / model.Vae.Config.ScalingFactor).to(model.DType));
}
