using Motive.Guidance.Sampler;
using Motive.Sampling.Schedules;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.Guidance;

/// <summary>
/// Guidance on x̂₀ (<see cref="X0Guidance"/>, the sampler's <c>X0Steps</c>) with a fake denoiser (ε_u = 0.5 z,
/// ε_c = 2 z): x̂₀ takes gradient steps down the energies, each evaluated where the last one left it and clipped on
/// its own, and the DDIM step starts from the refined x̂₀ with the denoiser's ε̂.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class X0GuidanceTests
{
    private const double Cfg = 3;
    private static readonly DdimSchedule Schedule = DdimSchedule.StableDiffusion;

    /// <summary>E = ½‖x̂₀ − c‖²: a gradient step of weight w takes x̂₀ − c to (1 − w)(x̂₀ − c).</summary>
    private sealed class PullTo(Tensor c) : IEnergy
    {
        public string Name => "pull";
        public bool NeedsDecodedImage => false;
        public EnergyValue Evaluate(EnergyInputs inputs) => new((inputs.PredictedX0 - c).pow(2).sum() * 0.5, new Dictionary<string, Tensor>());
    }

    private static (Tensor Z, List<(long T, Tensor ZIn, Tensor X0, Tensor Change)> Seen) Run(IReadOnlyList<GuidanceTerm> terms, int steps, int x0Steps, double clip, GuidanceTrace trace)
    {
        using var noise = new SeededNoise(5);
        using var start = randn([1, 4, 4, 4], generator: new Generator(1));
        var seen = new List<(long, Tensor, Tensor, Tensor)>();
        var options = new GuidedSamplerOptions { Timesteps = Schedule.Timesteps(steps), Recursions = 1, X0Steps = x0Steps };
        var z = GuidedDdimSampler.Sample(new LinearDenoiser(), new GuidanceRule(Cfg, clip), Schedule, start, terms, options, noise, trace,
            e => seen.Add((e.Timestep, e.NoisyLatent.clone().DetachFromDisposeScope(), e.PredictedX0.clone().DetachFromDisposeScope(), (-e.EnergyGrad).clone().DetachFromDisposeScope())));
        return (z, seen);
    }

    [Fact]
    public void EachGradientStep_IsTakenWhereTheLastLeftX0()
    {
        using var c = randn([1, 4, 4, 4], generator: new Generator(2));
        using var trace = new GuidanceTrace();
        var (z, seen) = Run([new GuidanceTerm(new PullTo(c), 0.25)], steps: 3, x0Steps: 3, clip: 0, trace);
        using var _ = z;
        Assert.Equal(3, seen.Count);
        foreach (var (_, _, x0, change) in seen)
        {
            // Three steps of weight ¼ on ½‖x − c‖²: x − c shrinks to (¾)³ of itself.
            AssertClose((c - x0) * (1 - Math.Pow(0.75, 3)), change, "the refined x̂₀'s change");
        }
    }

    [Fact]
    public void TheDdimStep_StartsFromTheRefinedX0_WithTheDenoisersEps()
    {
        using var c = randn([1, 4, 4, 4], generator: new Generator(2));
        using var trace = new GuidanceTrace();
        var (z, seen) = Run([new GuidanceTerm(new PullTo(c), 0.5)], steps: 2, x0Steps: 1, clip: 0, trace);
        using var _ = z;
        var timesteps = Schedule.Timesteps(2);
        // The second evaluation's input is the first step's result: √ᾱ_prev (x̂₀ + Δ) + √(1−ᾱ_prev) ε̂, ε̂ = (0.5 + 1.5 w) z.
        var (t, zIn, x0, change) = seen[0];
        float alphaPrev = Schedule.Alpha(DdimSchedule.Previous(timesteps, 0));
        var expected = (x0 + change) * Math.Sqrt(alphaPrev) + zIn * (0.5 + 1.5 * Cfg) * Math.Sqrt(1 - alphaPrev);
        AssertClose(expected, seen[1].ZIn, "the next latent");
        Assert.Equal(timesteps[0], t);
    }

    [Fact]
    public void Clipping_BoundsEachGradientStep()
    {
        using var c = ones([1, 4, 4, 4]) * 1000;
        using var trace = new GuidanceTrace();
        var (z, seen) = Run([new GuidanceTerm(new PullTo(c), 1)], steps: 2, x0Steps: 4, clip: 0.5, trace);
        using var _ = z;
        // Four steps each of norm 0.5 along the same direction (c is far away): the change is 2 long.
        foreach (var (_, _, _, change) in seen) Assert.InRange(change.norm().item<float>(), 2 - 1e-4, 2 + 1e-4);
        Assert.All(trace.Series("guidance_norm"), n => Assert.InRange(n, 2 - 1e-4, 2 + 1e-4));
        // The energy is logged once an evaluation, at the unrefined x̂₀.
        Assert.Equal(2, trace.Series("pull").Length);
    }

    [Fact]
    public void Step_IsMinusTheGradient_RescaledOnlyWhenLongerThanTheClip()
    {
        using var g = tensor(new float[] { 3, 4 });
        AssertClose(-g, X0Guidance.Step(g, 0), "unclipped");
        AssertClose(-g, X0Guidance.Step(g, 10), "shorter than the clip");
        AssertClose(g * -0.2, X0Guidance.Step(g, 1), "rescaled to norm 1");
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double err = (expected - actual).abs().max().item<float>(), scale = expected.abs().max().item<float>();
        Assert.True(err <= 1e-5 * Math.Max(1, scale), $"{what}: max difference {err:g3} (scale {scale:g3})");
    }
}
