using Motive.Models.Blocks;
using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>
/// Guidance on x̂₀ itself (manifold-preserving guided diffusion, He et al. 2023; universal guidance's backward step):
/// the denoiser predicts ε̂ and x̂₀ without a graph, x̂₀ takes <c>steps</c> gradient steps down the weighted energies
/// (each evaluated on the current x̂₀ and, when asked, its picture; each step's change clipped), and the DDIM step
/// starts from the refined x̂₀ with the denoiser's own ε̂. Unlike folding ∇E into ε̂ (which moves z_prev by
/// (√(1−ᾱ_prev) − √ᾱ_prev·√(1−ᾱ)/√ᾱ)·√(1−ᾱ)·∇E, nearly nothing at high noise), a change Δ of x̂₀ moves z_prev by
/// √ᾱ_prev·Δ, and the gradient never passes through the denoiser.
/// </summary>
public static class X0Guidance
{
    /// <summary>One gradient step's change of x̂₀: −∇E (weights already inside E), rescaled to norm <paramref name="clip"/> when longer (clip ≤ 0: as it is).</summary>
    public static Tensor Step(Tensor energyGrad, double clip)
    {
        var d = -energyGrad;
        if (clip <= 0) return d;
        var n = d.norm();
        // Branch-free so the loop never waits for the device: clip / n where n > clip, else 1.
        return d * where(n > clip, clip / n, ones_like(n));
    }

    /// <summary>The DDIM step (η = 0) from the refined x̂₀ and the denoiser's ε̂: √ᾱ_prev·x̂₀' + √(1−ᾱ_prev)·ε̂.</summary>
    public static Tensor Previous(Tensor x0, Tensor eps, float alphaPrev) => x0 * MathF.Sqrt(alphaPrev) + eps * MathF.Sqrt(1 - alphaPrev);

    /// <summary>
    /// One evaluation: ε̂ and x̂₀ (the rule's mix, no graph), then x̂₀ refined by <paramref name="steps"/> gradient
    /// steps. The energies' values of the first step go to the trace (the ones the unrefined x̂₀ has), as the ε̂ rule logs them.
    /// </summary>
    internal static (Tensor Eps, Tensor X0, Tensor Refined, Tensor? Decoded, IReadOnlyDictionary<string, Tensor> Artifacts) Evaluate(
        IDenoiser denoiser, GuidanceRule rule, IReadOnlyList<GuidanceTerm> terms, bool decode, Tensor zt, long t, int step, float alpha,
        int steps, GuidanceTrace trace, bool explicitAttention)
    {
        Tensor eps, x0;
        using (no_grad())
        {
            var hooks = explicitAttention ? new NetworkHooks { ExplicitAttention = true } : null;
            (eps, x0) = Motive.Sampling.Ddim.DdimMath.Predictions(zt, rule.Combine(denoiser.Predict(zt, t, hooks)), alpha, denoiser.PredictionType);
        }
        var artifacts = new Dictionary<string, Tensor>();
        var refined = x0;
        Tensor? shown = null;
        using var scratch = new GuidanceTrace();
        for (int k = 0; k < steps && terms.Count > 0; k++)
        {
            using var _ = enable_grad();
            var xg = refined.detach().requires_grad_(true);
            var decoded = decode ? denoiser.Decode(xg) : null;
            if (k == 0) shown = decoded?.detach();
            var weighted = GuidedDdimSampler.Energies(terms, new EnergyInputs(zt.detach(), xg, decoded, t, step), step, k == 0 ? trace : scratch, artifacts);
            var grad = autograd.grad([weighted.Aggregate((a, b) => a + b)], [xg])[0];
            refined = (refined + Step(grad, rule.Clip)).detach();
        }
        if (shown is null && decode) using (no_grad()) shown = denoiser.Decode(x0);
        return (eps, x0, refined, shown, artifacts);
    }
}
