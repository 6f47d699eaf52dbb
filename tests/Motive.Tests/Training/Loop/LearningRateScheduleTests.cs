using Motive.Tests.Support;
using Motive.Training.Loop;

namespace Motive.Tests.Training;

/// <summary>The learning-rate schedule: constant, then a linear fall towards zero over the last DecaySteps steps.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class LearningRateScheduleTests
{
    [Fact]
    public void WithoutDecay_TheRateIsConstant()
    {
        var o = new TrainOptions(Steps: 100, Batch: 1, LearningRate: 1e-3);
        Assert.All(Enumerable.Range(0, 100), s => Assert.Equal(1e-3, o.LearningRateAt(s)));
    }

    [Fact]
    public void WithDecay_TheRateFallsLinearlyOverTheLastSteps_AndStaysPositive()
    {
        var o = new TrainOptions(Steps: 1000, Batch: 1, LearningRate: 2e-3, DecaySteps: 400);
        Assert.Equal(2e-3, o.LearningRateAt(0));
        Assert.Equal(2e-3, o.LearningRateAt(600));            // the fall starts 400 steps before the end
        Assert.Equal(1e-3, o.LearningRateAt(800), 12);       // halfway down
        Assert.Equal(2e-3 / 400, o.LearningRateAt(999), 12);  // the last step still moves the weights
        var rates = Enumerable.Range(600, 400).Select(o.LearningRateAt).ToArray();
        Assert.All(rates.Zip(rates.Skip(1)), p => Assert.True(p.Second < p.First));
        Assert.Equal(0, o.LearningRateAt(1000));
    }

    [Fact]
    public void AResumedRunWithMoreSteps_DecaysFromItsNewEnd()
    {
        var first = new TrainOptions(Steps: 1000, Batch: 1, LearningRate: 1e-3);
        var resumed = first with { Steps = 1500, DecaySteps = 500 };
        Assert.Equal(1e-3, resumed.LearningRateAt(1000));
        Assert.Equal(0.5e-3, resumed.LearningRateAt(1250), 12);
    }
}
