using System.Text.Json;
using Motive.Models.Blocks;
using Motive.Sampling.Ddim;
using Motive.Sampling.Schedules;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Sampling;

[Trait(Tier.Category, Tier.Parity)]
public class DdimParityTests
{
    static DdimSchedule FromFixture(Parity p) => DdimSchedule.From(JsonConfig.Parse(p.Metadata["config"]));

    [Fact]
    public void Schedule_AlphasAndTimesteps_MatchDiffusers()
    {
        using var p = new Parity("ddim_scheduler.safetensors");
        var s = FromFixture(p);
        using var ac = torch.tensor(s.AlphasCumprod);
        Parity.Close(p["alphas_cumprod"], ac, 1e-7, 1e-6, "alphas_cumprod");
        Assert.Equal(p["timesteps_4"].data<long>().ToArray(), s.Timesteps(4));
        Assert.Equal(p["timesteps_50"].data<long>().ToArray(), s.Timesteps(50));
        Assert.Equal(s.AlphasCumprod, DdimSchedule.StableDiffusion.AlphasCumprod);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(481)]
    [InlineData(981)]
    public void Step_Eta0AndEta1_MatchDiffusers(long t)
    {
        using var p = new Parity("ddim_scheduler.safetensors");
        var s = FromFixture(p);
        var ts = s.Timesteps(50);
        int i = Array.IndexOf(ts, t);
        float a = s.Alpha(t), aPrev = s.Alpha(DdimSchedule.Previous(ts, i));
        using var scope = torch.NewDisposeScope();
        var (prev0, x0) = DdimMath.Step(p["sample"], p["model_output"], a, aPrev, 0);
        Parity.Close(p[$"step_t{t}_eta0_prev"], prev0, 1e-5, 1e-4, "eta 0 prev");
        Parity.Close(p[$"step_t{t}_eta0_x0"], x0, 1e-5, 1e-4, "eta 0 x0");
        var (prev1, _) = DdimMath.Step(p["sample"], p["model_output"], a, aPrev, 1, noise: p["variance_noise"]);
        Parity.Close(p[$"step_t{t}_eta1_prev"], prev1, 1e-5, 1e-4, "eta 1 prev");
    }

    [Fact]
    public void UniformSpacing_IsTheMotionGuidanceSchedule()
    {
        var s = DdimSchedule.StableDiffusion.WithSpacing(TimestepSpacing.Uniform);
        Assert.Equal(new long[] { 751, 501, 251, 1 }, s.Timesteps(4));
        var t500 = s.Timesteps(500);
        Assert.Equal(999, t500[0]);
        Assert.Equal(1, t500[^1]);
    }

    [Fact]
    public void Inversion_UndoesAStep_ForAFixedNoisePrediction()
    {
        var s = DdimSchedule.StableDiffusion;
        using var x = torch.randn([1, 4, 8, 8], generator: new torch.Generator(1));
        using var eps = torch.randn([1, 4, 8, 8], generator: new torch.Generator(2));
        float a = s.Alpha(501), aPrev = s.Alpha(251);
        var (prev, _) = DdimMath.Step(x, eps, a, aPrev, 0);
        using var back = DdimMath.InvertStep(prev, eps, aPrev, a);
        Parity.Close(x, back, 1e-5, 1e-4, "inverted step");
    }
}

[Trait(Tier.Category, Tier.Unit)]
public class DdimMathTests
{
    [Fact]
    public void VPrediction_RecoversNoiseAndCleanSample()
    {
        const float a = 0.3f;
        using var x0 = torch.randn([1, 4, 8, 8], generator: new torch.Generator(3));
        using var eps = torch.randn([1, 4, 8, 8], generator: new torch.Generator(4));
        using var xt = x0 * MathF.Sqrt(a) + eps * MathF.Sqrt(1 - a);
        using var v = eps * MathF.Sqrt(a) - x0 * MathF.Sqrt(1 - a);     // v = √ᾱ ε − √(1−ᾱ) x₀
        var (e2, x02) = DdimMath.Predictions(xt, v, a, "v_prediction");
        Parity.Close(eps, e2, 1e-5, 1e-5, "eps from v");
        Parity.Close(x0, x02, 1e-5, 1e-5, "x0 from v");
        var (e3, x03) = DdimMath.Predictions(xt, eps, a, "epsilon");
        Parity.Close(x0, x03, 1e-5, 1e-5, "x0 from eps");
        Assert.Same(eps, e3);
    }
}
