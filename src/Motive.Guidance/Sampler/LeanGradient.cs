using Motive.Models.Runtime;
using Motive.Sampling.Ddim;
using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>
/// One guided evaluation with ∇E taken in parts, each with its own graph, so the peak is the largest part's graph
/// instead of all of them at once (Stable Diffusion at 512²: the UNet's for two branches, the decoder's, RAFT's):
/// <list type="number">
/// <item>both branches without a graph → ε̂, x̂₀;</item>
/// <item>the decoder, checkpointed a segment at a time, and the energies on the decoded image → g = ∂E/∂x̂₀;</item>
/// <item>the vector–Jacobian product of x̂₀(z) with g a CFG branch at a time: for x̂₀ = X(z, u(z), c(z)),
/// dX = ∂X/∂z + ∂X/∂u·u′ + ∂X/∂c·c′, so ∇_z = ∇[X(z, u(z), c̄)] + ∇[X(z, ū, c(z))] − ∇[X(z, ū, c̄)] (bars: held fixed).</item>
/// </list>
/// The gradient is the one-graph gradient's up to rounding, for one more forward of both branches and of the decoder.
/// Energies see the decoded image (their gradient is taken through it only), as Motion Guidance's does.
/// </summary>
internal static class LeanGradient
{
    public static (GuidanceStep Step, Tensor X0, Tensor? Decoded, IReadOnlyDictionary<string, Tensor> Artifacts) Evaluate(
        IDenoiser denoiser, GuidanceRule rule, IReadOnlyList<GuidanceTerm> terms, bool decode,
        Tensor zt, long t, int step, float alpha, GuidanceTrace trace, bool explicitAttention)
    {
        if (!decode && terms.Count > 0)
            throw new ArgumentException("lean memory takes the gradient through the decoded image: it is for energies of the picture only (such as Motion Guidance's)");
        var hooks = explicitAttention ? new Models.Blocks.NetworkHooks { ExplicitAttention = true } : null;
        var z = zt.detach();
        // Each part in its own dispose scope: the evaluation's scope would otherwise keep every intermediate of the
        // graph-free forward alive (tensor handles, not the graph, hold memory until their scope ends).
        DenoiserOutput output;
        Tensor eps, x0;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var o = denoiser.Predict(z, t, hooks);
            (eps, x0) = DdimMath.Predictions(z, rule.Combine(o), alpha, denoiser.PredictionType);
            output = new DenoiserOutput(o.Uncond?.MoveToOuterDisposeScope(), o.Cond.MoveToOuterDisposeScope());
            eps.MoveToOuterDisposeScope();
            x0.MoveToOuterDisposeScope();
        }
        var artifacts = new Dictionary<string, Tensor>();
        Tensor? decoded = null;
        Tensor grad;
        if (terms.Count == 0) grad = zeros_like(z);
        else
        {
            var (image, chain) = CheckpointedChain.Forward(denoiser.DecodeSegments(), x0);
            using (chain)
            {
                Tensor gradImage;
                using (var scope = NewDisposeScope())
                using (enable_grad())
                {
                    var leaf = image.detach().requires_grad_(true);
                    var weighted = GuidedDdimSampler.Energies(terms, new EnergyInputs(z, x0, leaf, t, step), step, trace, artifacts);
                    gradImage = autograd.grad([weighted.Aggregate((a, b) => a + b)], [leaf])[0].MoveToOuterDisposeScope();
                    foreach (var a in artifacts.Values) a.MoveToOuterDisposeScope();
                }
                decoded = image;
                grad = BranchByBranch(denoiser, rule, output, z, t, alpha, chain.Backward(gradImage), hooks);
            }
        }
        return (new GuidanceStep(eps, grad, alpha, step, t), x0, decoded, artifacts);
    }

    /// <summary>∇_z (x̂₀(z) · g), one branch's graph at a time (the decomposition in the summary).</summary>
    private static Tensor BranchByBranch(IDenoiser denoiser, GuidanceRule rule, DenoiserOutput fixedOutput, Tensor z, long t, float alpha, Tensor gradX0,
        Models.Blocks.NetworkHooks? hooks)
    {
        Tensor Vjp(Func<Tensor, DenoiserOutput> output)
        {
            using var scope = NewDisposeScope();
            using var _ = enable_grad();
            var leaf = z.detach().requires_grad_(true);
            var x0 = DdimMath.Predictions(leaf, rule.Combine(output(leaf)), alpha, denoiser.PredictionType).X0;
            return autograd.grad([x0], [leaf], [gradX0])[0].MoveToOuterDisposeScope();
        }
        var u = fixedOutput.Uncond?.detach();
        var c = fixedOutput.Cond.detach();
        var conditional = Vjp(leaf => new DenoiserOutput(u, denoiser.PredictBranch(leaf, t, true, hooks)));
        if (u is null) return conditional;
        var unconditional = Vjp(leaf => new DenoiserOutput(denoiser.PredictBranch(leaf, t, false, hooks), c));
        var direct = Vjp(_ => new DenoiserOutput(u, c));
        return conditional + unconditional - direct;
    }
}
