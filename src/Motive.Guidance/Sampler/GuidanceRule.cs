using Motive.Sampling.Pipelines;
using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>
/// What the rule weighs at one evaluation: the ε̂ that x̂₀ was formed from, the gradient of the weighted energies with
/// respect to the noisy latent, ᾱ_t, the step counter and the timestep. Tensors are detached.
/// </summary>
public sealed record GuidanceStep(Tensor Eps, Tensor EnergyGrad, float Alpha, int Step, long Timestep);

/// <summary>The guided ε̂ and the size of what guidance added (‖√(1−ᾱ)·g‖, for the run log).</summary>
public sealed record GuidedPrediction(Tensor Eps, Tensor GuidanceNorm);

/// <summary>
/// How the branches and the energies' gradient make the ε̂ the DDIM step takes (Motion Guidance's rule,
/// ddim_with_grad.py, doc §2.3): ε̂ = ε_u + w (ε_c − ε_u) (<see cref="Combine"/>, what x̂₀ and so the energies are
/// computed from), then the energy's gradient clipped to <paramref name="clip"/> (0 = not clipped) and folded in
/// (<see cref="GuidanceMath.ApplyGradient"/>).
/// </summary>
public sealed class GuidanceRule(double cfgScale, double clip)
{
    /// <summary>The clipping threshold (0 = off).</summary>
    public double Clip => clip;

    public Tensor Combine(DenoiserOutput output) =>
        output.Uncond is { } u ? Conditioning.Mix(u, output.Cond, cfgScale) : output.Cond;

    public GuidedPrediction Apply(GuidanceStep step)
    {
        var (eps, norm) = GuidanceMath.ApplyGradient(step.Eps, step.EnergyGrad, step.Alpha, clip);
        return new GuidedPrediction(eps, norm);
    }
}
