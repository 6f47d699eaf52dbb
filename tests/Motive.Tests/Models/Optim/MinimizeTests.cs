using Motive.Models.Optim;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.Models;

/// <summary>The per-edit optimisation loop: finds a known minimum, stops early when asked, refuses a diverged loss.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class MinimizeTests
{
    [Fact]
    public void FindsTheMinimumOfAQuadratic_AndStopsWhenAsked()
    {
        using var target = tensor(new[] { 3f, -2f, 0.5f });
        var p = new TorchSharp.Modules.Parameter(zeros(3));
        var losses = Minimize.Run([("x", p)], _ => (p - target).square().sum(), steps: 400, learningRate: 0.05, weightDecay: 0);
        Assert.Equal(400, losses.Count);
        Assert.True(losses[^1] < 1e-4 && losses[^1] < losses[0], $"loss {losses[0]:g3} → {losses[^1]:g3}");
        Assert.True(p.allclose(target, atol: 1e-2), $"x = [{string.Join(", ", p.data<float>().ToArray())}]");

        var q = new TorchSharp.Modules.Parameter(zeros(3));
        var early = Minimize.Run([("x", q)], _ => (q - target).square().sum(), 400, 0.05, 0, onStep: (_, loss) => loss > 1);
        Assert.InRange(early.Count, 2, 399);
        Assert.True(early[^1] <= 1);
    }

    [Fact]
    public void ADivergedLoss_IsOneClearError()
    {
        var p = new TorchSharp.Modules.Parameter(ones(2));
        var e = Assert.Throws<ArgumentException>(() => Minimize.Run([("x", p)], step => step == 3 ? (p / 0).sum() : p.square().sum(), 10, 0.1));
        Assert.Contains("at step 4", e.Message);
    }
}
