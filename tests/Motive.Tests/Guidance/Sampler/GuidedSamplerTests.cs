using Motive.Guidance.Sampler;
using Motive.Sampling.Schedules;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.Guidance;

/// <summary>
/// The guided sampler on its own, with a fake denoiser (ε_u = 0.5 z, ε_c = 2 z; no model, no fixture): the keep mask's
/// copy, clipping, recursion, x̂₀ from the rule's CFG mix and the weighted energies' gradient.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class GuidedSamplerTests
{
    private const double Cfg = 3;
    private static readonly DdimSchedule Schedule = DdimSchedule.StableDiffusion;

    /// <summary>E = Σ g ⊙ x̂₀: its gradient with respect to x̂₀ is g, everywhere.</summary>
    private sealed class LinearEnergy(Tensor g) : IEnergy
    {
        public string Name => "linear";
        public bool NeedsDecodedImage => false;
        public EnergyValue Evaluate(EnergyInputs inputs) => new((inputs.PredictedX0 * g).sum(), new Dictionary<string, Tensor>());
    }

    private static Tensor Sample(IDenoiser d, GuidanceRule rule, IReadOnlyList<GuidanceTerm> terms, int steps, int recursions, Tensor? keep = null, Tensor? reference = null,
        Action<GuidedEvaluation>? onEvaluation = null)
    {
        using var trace = new GuidanceTrace();
        return Sample(d, rule, terms, steps, recursions, trace, keep, reference, onEvaluation);
    }

    private static Tensor Sample(IDenoiser d, GuidanceRule rule, IReadOnlyList<GuidanceTerm> terms, int steps, int recursions, GuidanceTrace trace, Tensor? keep = null,
        Tensor? reference = null, Action<GuidedEvaluation>? onEvaluation = null)
    {
        using var noise = new SeededNoise(5);
        using var start = randn([1, 4, 4, 4], generator: new Generator(1));
        var options = new GuidedSamplerOptions { Timesteps = Schedule.Timesteps(steps), Recursions = recursions, KeepMask = keep, ReferenceLatents = reference };
        return GuidedDdimSampler.Sample(d, rule, Schedule, start, terms, options, noise, trace, onEvaluation);
    }

    [Fact]
    public void Evaluation_FormsX0FromTheCfgMix_AndTheWeightedEnergiesGradient()
    {
        var d = new LinearDenoiser();
        var seen = new List<(long T, float Alpha, Tensor X0, Tensor Grad)>();
        using var g = randn([1, 4, 4, 4], generator: new Generator(2));
        using var g2 = randn([1, 4, 4, 4], generator: new Generator(3));
        using var z = Sample(d, new GuidanceRule(Cfg, 0), [new GuidanceTerm(new LinearEnergy(g), 2.0), new GuidanceTerm(new LinearEnergy(g2), 1.0)], steps: 3, recursions: 1,
            onEvaluation: e => seen.Add((e.Timestep, Schedule.Alpha(e.Timestep), e.PredictedX0.clone().DetachFromDisposeScope(), e.EnergyGrad.clone().DetachFromDisposeScope())));
        Assert.Equal(3, seen.Count);
        for (int i = 0; i < 3; i++)
        {
            var (input, t) = d.Calls[i];
            var (st, a, x0, grad) = seen[i];
            Assert.Equal(t, st);
            // ε̂ = ε_u + w (ε_c − ε_u) = (0.5 + 1.5·w) z, and x̂₀ = (z − √(1−ᾱ) ε̂) / √ᾱ
            double k = 0.5 + 1.5 * Cfg;
            AssertClose(input * ((1 - Math.Sqrt(1 - a) * k) / Math.Sqrt(a)), x0, "x̂₀ from the CFG mix");
            // ∂E/∂z = Σ weight · g · ∂x̂₀/∂z
            double dx0dz = (1 - Math.Sqrt(1 - a) * k) / Math.Sqrt(a);
            AssertClose((g * 2.0 + g2) * dx0dz, grad, "the weighted energies' gradient");
        }
    }

    [Fact]
    public void Clipping_BoundsTheScaledGradientNorm()
    {
        using var g = ones([1, 4, 4, 4]) * 1000;
        using var trace = new GuidanceTrace();
        using var z = Sample(new LinearDenoiser(), new GuidanceRule(Cfg, 7), [new GuidanceTerm(new LinearEnergy(g), 1)], 4, 1, trace);
        var norms = trace.Series("guidance_norm");
        Assert.Equal(4, norms.Length);
        // The reference tests the scaled norm and rescales the unscaled gradient to the clip: ‖√(1−ᾱ)·g‖ = √(1−ᾱ)·clip ≤ clip.
        Assert.All(norms, n => Assert.True(n <= 7 * (1 + 1e-5) && n > 0, $"guidance norm {n}"));
        using var free = new GuidanceTrace();
        using var z2 = Sample(new LinearDenoiser(), new GuidanceRule(Cfg, 0), [new GuidanceTerm(new LinearEnergy(g), 1)], 4, 1, free);
        Assert.All(free.Series("guidance_norm"), n => Assert.True(n > 100, $"unclipped norm {n}"));
    }

    [Fact]
    public void Recursion_CallsTheDenoiserRTimesPerStep_AtTheSameTimestep()
    {
        var d = new LinearDenoiser();
        using var z = Sample(d, new GuidanceRule(Cfg, 0), [], steps: 3, recursions: 4);
        Assert.Equal(12, d.Calls.Count);
        var timesteps = Schedule.Timesteps(3);
        for (int i = 0; i < 12; i++) Assert.Equal(timesteps[i / 4], d.Calls[i].T);
        // Each recursion starts from a re-noised latent, so the inputs within a step differ.
        Assert.False(d.Calls[0].Z.allclose(d.Calls[1].Z));
        // One recursion: the plain guided DDIM run, deterministic at η = 0 and without guidance.
        using var once = Sample(new LinearDenoiser(), new GuidanceRule(Cfg, 0), [], 3, 1);
        using var again = Sample(new LinearDenoiser(), new GuidanceRule(Cfg, 0), [], 3, 1);
        Assert.True(once.equal(again).all().item<bool>());
    }

    [Fact]
    public void KeepMask_CopiesTheReferenceLatent_WhereSet()
    {
        var d = new LinearDenoiser();
        using var keep = zeros([1, 4, 4, 4], dtype: ScalarType.Bool);
        keep[.., .., ..2, ..] = tensor(true);
        using var reference = randn([3, 1, 4, 4, 4], generator: new Generator(9));
        using var z = Sample(d, new GuidanceRule(Cfg, 0), [], steps: 3, recursions: 2, keep, reference);
        for (int k = 0; k < d.Calls.Count; k++)
        {
            var (input, _) = d.Calls[k];
            int step = k / 2;
            Assert.True(input.masked_select(keep).equal(reference[step].masked_select(keep)).all().item<bool>(), $"call {k}: kept cells are the reference's");
            Assert.False(input.masked_select(keep.logical_not()).allclose(reference[step].masked_select(keep.logical_not())), $"call {k}: free cells are not");
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double err = (expected - actual).abs().max().item<float>(), scale = expected.abs().max().item<float>();
        Assert.True(err <= 1e-5 * Math.Max(1, scale), $"{what}: max difference {err:g3} (scale {scale:g3})");
    }
}
