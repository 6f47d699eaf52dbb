using static TorchSharp.torch;

namespace Motive.Guidance.Energies;

/// <summary>
/// What an energy reads besides the latents: the decoded one-step estimate (Motion Guidance), UNet features
/// (DragDiffusion's motion supervision) or self-attention probabilities (Guide-and-Rescale). Module paths are
/// state-dict prefixes, e.g. "up_blocks.1" or "up_blocks.1.attentions.0.transformer_blocks.0.attn1".
/// </summary>
public sealed record EnergyNeeds(bool DecodedImage = false, IReadOnlyList<string>? Features = null, IReadOnlyList<string>? AttentionProbs = null)
{
    public static EnergyNeeds Image => new(DecodedImage: true);
}

/// <summary>
/// Everything an energy may differentiate, all on the autograd graph of the noisy latent <see cref="NoisyLatent"/>.
/// UNet features and attention maps are from the classifier-free-guidance batch: index 0 unconditional, 1 conditional.
/// </summary>
public sealed record EnergyInputs(
    Tensor NoisyLatent,
    Tensor PredictedX0,
    Tensor? Decoded,
    long Timestep,
    int Step,
    IReadOnlyDictionary<string, Tensor> Features,
    IReadOnlyDictionary<string, Tensor> AttentionProbs);

/// <summary>An energy's value (scalar, differentiable), its named terms and detached by-products for logging.</summary>
public sealed record EnergyValue(Tensor Value, IReadOnlyDictionary<string, Tensor> Terms, IReadOnlyDictionary<string, Tensor>? Artifacts = null);

/// <summary>A differentiable function whose gradient steers sampling. Lower is better.</summary>
public interface IEnergy
{
    string Name { get; }
    EnergyNeeds Needs { get; }
    EnergyValue Evaluate(EnergyInputs inputs);
}
