using Motive.Sampling.Pipelines;
using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>
/// Everything a guidance rule may weigh at one evaluation: the two branches as ε (unconditional null without CFG),
/// the ε̂ that x̂₀ was formed from, the gradient of the weighted energies with respect to the noisy latent (and each
/// term's own, when the rule asks for them), ᾱ_t, the step counter and the timestep. Tensors are detached.
/// </summary>
public sealed record GuidanceStep(Tensor? EpsUncond, Tensor EpsCond, Tensor Eps, Tensor EnergyGrad, IReadOnlyList<Tensor>? TermGrads,
    float Alpha, int Step, long Timestep);

/// <summary>The guided ε̂ and the size of what guidance added (‖√(1−ᾱ)·g‖, for the run log).</summary>
public sealed record GuidedPrediction(Tensor Eps, Tensor GuidanceNorm);

/// <summary>
/// How the branches and the energies' gradient make the ε̂ the DDIM step takes: Motion Guidance clips and adds the
/// gradient to the CFG mix (<see cref="ClippedGradientRule"/>); Guide-and-Rescale rescales each guider against the
/// CFG term. <see cref="Combine"/> gives the ε̂ that x̂₀ (and so the energies) are computed from.
/// </summary>
public interface IGuidanceRule
{
    /// <summary>True when <see cref="Apply"/> needs each term's gradient apart (costs one backward pass a term).</summary>
    bool SeparateTermGradients { get; }

    /// <summary>The model output the prediction x̂₀ is formed from, from the two branches.</summary>
    Tensor Combine(DenoiserOutput output);

    GuidedPrediction Apply(GuidanceStep step);
}

/// <summary>
/// Motion Guidance's rule (ddim_with_grad.py, doc §2.3): ε̂ = ε_u + w (ε_c − ε_u), then the energy's gradient clipped
/// and folded in (<see cref="GuidanceMath.ApplyGradient"/>).
/// </summary>
public sealed class ClippedGradientRule(double cfgScale, double clip) : IGuidanceRule
{
    public bool SeparateTermGradients => false;

    public Tensor Combine(DenoiserOutput output) =>
        output.Uncond is { } u ? Conditioning.Mix(u, output.Cond, cfgScale) : output.Cond;

    public GuidedPrediction Apply(GuidanceStep step)
    {
        var (eps, norm) = GuidanceMath.ApplyGradient(step.Eps, step.EnergyGrad, step.Alpha, clip);
        return new GuidedPrediction(eps, norm);
    }
}
