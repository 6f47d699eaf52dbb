using Motive.Guidance.Sampler;
using Motive.Methods.MotionGuidance;
using Motive.Sampling.Pipelines;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.Guidance;

/// <summary>
/// `motive bench mg`'s modes edit alike: the mg_sampler fixture's run (4 steps × 2 recursions, clip active, keep mask
/// and cached trajectory) in the reference mode (explicit attention), the fast mode (fused attention) and the lean
/// mode (fused, ∇E in parts) gives the same energy trace and nearly the same picture (measured: energies within
/// 1e-4 of the reference mode's, pictures 56 dB from it).
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class MgModesPrecisionTests
{
    [Fact]
    public void FastAndLeanModes_MatchTheReferenceMode_OnAShortRun()
    {
        using var f = new MgFixtureRun();
        (double[] Energy, Tensor Image) Run(bool explicitAttention, bool lean)
        {
            var settings = new MotionGuidanceSettings { Steps = 4, Recursions = 2, ClipGrad = 20, ExplicitAttention = explicitAttention, LeanMemory = lean };
            using var trace = new GuidanceTrace();
            using var noise = new SeededNoise(11);
            using var latent = MotionGuidanceRun.Run(f.Model, f.Raft, f.Cond, f.Inputs, settings, noise, trace);
            return (trace.Series("motion"), Latents.Decode(f.Model, latent));
        }
        var (refEnergy, refImage) = Run(explicitAttention: true, lean: false);
        foreach (var (name, lean) in new[] { ("fast", false), ("lean", true) })
        {
            var (energy, image) = Run(explicitAttention: false, lean);
            Assert.Equal(refEnergy.Length, energy.Length);
            double worst = refEnergy.Zip(energy).Max(p => Math.Abs(p.First - p.Second) / Math.Abs(p.First));
            double mse = (image - refImage).square().mean().item<float>();
            double psnr = 10 * Math.Log10(1 / mse);
            Console.WriteLine($"{name}: energy trace within {worst:g3} of the reference mode's, image PSNR {psnr:0.0} dB");
            Assert.True(worst < 1e-3, $"{name} mode: an evaluation's energy differs by {worst:P2} from the reference mode's");
            Assert.True(psnr > 45, $"{name} mode: the picture is {psnr:0.0} dB from the reference mode's");
            image.Dispose();
        }
        refImage.Dispose();
    }
}
