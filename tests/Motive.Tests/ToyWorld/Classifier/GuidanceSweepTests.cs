using Motive.Methods.ClassifierGuidance;
using Motive.Methods.Editing;
using Motive.Tests.Support;
using Motive.ToyWorld.Classifier;

namespace Motive.Tests.ToyWorld;

/// <summary>
/// Classifier guidance does its job on the embedded toy model, judged by the toy world's own colour judge (not by the
/// guiding classifier): with the same seeds, more samples show a red largest object at the guided scale (100, the
/// gradient clipped to 3) than at scale 0. Kept small: 6 samples of 12 DDIM steps at each of the two scales.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class GuidanceSweepTests
{
    [Fact]
    public void Guidance_RaisesTheJudgedTargetRate()
    {
        using var dir = new TempDir();
        using var models = new EditModels();
        var request = new ClassifierGuidanceRequest { Target = "red", Seed = 1000, Settings = new ClassifierGuidanceOptions { Steps = 12, Samples = 6, ClipGrad = 3 } };
        var points = GuidanceSweep.Run(request, [0, 100], dir.Path, models);
        Assert.True(points[1].JudgeRate > points[0].JudgeRate,
            $"judged red at scale 0: {points[0].JudgeRate:P0}, at scale 100: {points[1].JudgeRate:P0}");
        Assert.True(points[1].ClassifierRate >= points[1].JudgeRate - 0.5, "the classifier and the judge disagree wildly");
        Assert.True(File.Exists(Path.Combine(dir.Path, "scale-100", "result.png")));
    }
}
