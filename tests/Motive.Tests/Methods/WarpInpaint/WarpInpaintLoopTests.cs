using Motive.Methods.WarpInpaint;
using Motive.Sampling.Ddim;
using Motive.Sampling.Schedules;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.Methods.WarpInpaint;

/// <summary>
/// The masked DDIM loop with a stand-in for the model (a fixed smooth function of x and t, so no weights are needed):
/// with no holes it returns the known latent, with every cell a hole it is plain DDIM, and the known cells
/// never depend on the model or the resampling.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class WarpInpaintLoopTests
{
    private static readonly DdimSchedule Schedule = DdimSchedule.StableDiffusion;
    private static readonly long[] Steps = Schedule.Timesteps(8);

    /// <summary>A model-like ε̂: bounded, depends on every input cell's value and on t.</summary>
    private static Tensor Predict(Tensor x, long t)
    {
        using var s = x.tanh();
        return s * 0.9f + (float)(t / 2000.0);
    }

    private static Tensor Randn(long seed) => randn([1, 4, 6, 6], generator: new Generator((ulong)seed));

    private static Tensor Run(Tensor known, Tensor noise, Tensor hole, int resamplings, long seed = 7)
    {
        using var g = new Generator((ulong)seed);
        return WarpInpaintLoop.Sample(Predict, Schedule, Steps, known, noise, hole, resamplings, g);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void NoHoles_GivesTheKnownLatent(int resamplings)
    {
        using var known = Randn(1);
        using var noise = Randn(2);
        using var none = zeros(1, 1, 6, 6);
        using var result = Run(known, noise, none, resamplings);
        Assert.True(TensorAssert.BitEqual(result, known));
    }

    [Fact]
    public void AllHoles_IsPlainDdim_FromTheNoise()
    {
        using var known = Randn(1);
        using var noise = Randn(2);
        using var all = ones(1, 1, 6, 6);
        using var result = Run(known, noise, all, 0);
        var x = noise.clone();
        for (int i = 0; i < Steps.Length; i++)
        {
            using var output = Predict(x, Steps[i]);
            var (prev, x0) = DdimMath.Step(x, output, Schedule.Alpha(Steps[i]), Schedule.Alpha(DdimSchedule.Previous(Steps, i)), 0);
            x0.Dispose();
            x.Dispose();
            x = prev;
        }
        using (x) Assert.True(TensorAssert.BitEqual(result, x));
    }

    [Fact]
    public void KnownCells_AreTheKnownLatent_HoleCellsAreTheModels_AndTheSeedFixesTheResampling()
    {
        using var known = Randn(1);
        using var noise = Randn(2);
        // Rows 1–3, columns 2–4 are holes.
        using var hole = tensor(Enumerable.Range(0, 36).Select(i => i / 6 is >= 1 and < 4 && i % 6 is >= 2 and < 5 ? 1f : 0f).ToArray()).view(1, 1, 6, 6);
        using var a = Run(known, noise, hole, 2, seed: 11);
        using var b = Run(known, noise, hole, 2, seed: 11);
        using var c = Run(known, noise, hole, 2, seed: 12);
        using var plain = Run(known, noise, hole, 0);
        Assert.True(TensorAssert.BitEqual(a, b));
        using var keep = hole.eq(0).expand(1, 4, 6, 6);
        using var inHole = hole.eq(1).expand(1, 4, 6, 6);
        foreach (var r in new[] { a, c, plain })
        {
            Assert.True(TensorAssert.BitEqual(r.masked_select(keep), known.masked_select(keep)));
            using var d = (r.masked_select(inHole) - known.masked_select(inHole)).abs().max();
            Assert.True(d.item<float>() > 0.1f, "the holes are the known latent's");
        }
        // Another seed jumps back with other noise, and resampling changes the holes.
        using var dc = (a - c).abs().max();
        using var dp = (a - plain).abs().max();
        Assert.True(dc.item<float>() > 1e-4f && dp.item<float>() > 1e-4f);
    }

    [Fact]
    public void Cancelled_StopsBeforeTheFirstPass()
    {
        using var known = Randn(1);
        using var noise = Randn(2);
        using var all = ones(1, 1, 6, 6);
        using var g = new Generator(1);
        int calls = 0;
        Assert.Throws<OperationCanceledException>(() => WarpInpaintLoop.Sample((x, t) => { calls++; return Predict(x, t); }, Schedule, Steps, known, noise, all, 0, g,
            cancel: new CancellationToken(canceled: true)));
        Assert.Equal(0, calls);
    }
}
