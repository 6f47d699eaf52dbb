using Motive.Guidance.Sampler;
using Motive.Methods.MotionGuidance;
using Motive.Models.Runtime;
using Motive.Sampling.Pipelines;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.Guidance;

/// <summary>
/// Lean memory (∇E a part at a time: the decoder checkpointed, the CFG branches apart) gives the gradient of the
/// one-graph path: checked on the mg_sampler fixture's model, RAFT and inputs.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class LeanGradientTests
{
    /// <summary>The checkpointed decoder's image and vector–Jacobian product equal plain autograd through the whole decoder.</summary>
    [Fact]
    public void CheckpointedDecoder_GivesTheDecodersGradient()
    {
        using var f = new MgFixtureRun();
        using var scope = NewDisposeScope();
        var vae = f.Model.Vae;
        var latent = randn([1, 4, 8, 8], generator: new Generator(3));
        var cotangent = randn([1, 3, 64, 64], generator: new Generator(4));
        Tensor expectedImage, expectedGrad;
        using (enable_grad())
        {
            var leaf = latent.detach().requires_grad_(true);
            expectedImage = vae.Decode(leaf);
            expectedGrad = autograd.grad([expectedImage], [leaf], [cotangent])[0];
        }
        var segments = vae.DecodeSegments();
        Assert.True(segments.Count > 5, $"the decoder should come in resnet-sized segments, got {segments.Count}");
        var (image, chain) = CheckpointedChain.Forward(segments, latent);
        using (chain)
        {
            Parity.Close(expectedImage.detach(), image, 1e-6, 1e-5, "checkpointed decoder image");
            Parity.Close(expectedGrad, chain.Backward(cotangent), 1e-6, 1e-5, "checkpointed decoder gradient");
        }
    }

    /// <summary>
    /// One guided evaluation each way with the clip off: the DDIM step's latent differs from the one-graph path's by
    /// under 1e-4 of what guidance moved it (measured against the unguided step), with CFG (both branches apart) and without.
    /// </summary>
    [Theory]
    [InlineData(7.5)]
    [InlineData(1.0)]
    public void LeanEvaluation_MatchesTheOneGraphGradient(double cfg)
    {
        using var f = new MgFixtureRun(cfg);
        using var graph = OneStep(f, lean: false, weight: 300);
        using var lean = OneStep(f, lean: true, weight: 300);
        using var unguided = OneStep(f, lean: false, weight: 0);
        double moved = (graph - unguided).norm().item<float>();
        double differs = (lean - graph).norm().item<float>();
        Assert.True(moved > 1e-3, $"guidance should move the step's latent (moved {moved:g3})");
        Assert.True(differs < 1e-4 * moved, $"lean memory moved the latent {differs:g3} away from the one-graph path's (guidance moved it {moved:g3}): not the same gradient");
    }

    /// <summary>One guided DDIM step at the fixture's second timestep of four (ᾱ well inside (0,1)), the clip off.</summary>
    private static Tensor OneStep(MgFixtureRun f, bool lean, double weight)
    {
        var schedule = MotionGuidanceRun.Schedule(f.Model);
        using var energy = new Motive.Methods.MotionGuidance.MotionEnergy(f.Raft, f.Inputs.Source, f.Inputs.TargetFlow);
        using var trace = new GuidanceTrace();
        using var noise = new SeededNoise(5);
        var options = new GuidedSamplerOptions { Timesteps = [schedule.Timesteps(4)[1]], Recursions = 1, LeanMemory = lean };
        return GuidedDdimSampler.Sample(new UnetDenoiser(f.Model, f.Cond), new GuidanceRule(f.Cond.GuidanceScale, 1e9), schedule,
            f.Inputs.StartLatent, [new GuidanceTerm(energy, weight)], options, noise, trace);
    }
}
