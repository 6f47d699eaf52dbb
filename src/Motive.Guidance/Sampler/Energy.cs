using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>
/// Everything an energy may differentiate, all on the autograd graph of the noisy latent <see cref="NoisyLatent"/>:
/// the one-step estimate x̂₀ (scaled latents) and, when the energy asks for it (<see cref="IEnergy.NeedsDecodedImage"/>),
/// x̂₀ decoded to a picture in [-1,1].
/// </summary>
public sealed record EnergyInputs(Tensor NoisyLatent, Tensor PredictedX0, Tensor? Decoded, long Timestep, int Step);

/// <summary>An energy's value (scalar, differentiable), its named terms and detached by-products for logging.</summary>
public sealed record EnergyValue(Tensor Value, IReadOnlyDictionary<string, Tensor> Terms, IReadOnlyDictionary<string, Tensor>? Artifacts = null);

/// <summary>
/// A differentiable function of x̂₀ (or of its picture) whose gradient steers the guided sampler. Lower is better.
/// Motion Guidance's flow + colour energy is one.
/// </summary>
public interface IEnergy
{
    string Name { get; }

    /// <summary>True when the energy reads the decoded picture (the sampler then decodes x̂₀ on the graph).</summary>
    bool NeedsDecodedImage { get; }

    EnergyValue Evaluate(EnergyInputs inputs);
}
