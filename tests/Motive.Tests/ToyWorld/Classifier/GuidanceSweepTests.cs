using Motive.Methods.ClassifierGuidance;
using Motive.Methods.Editing;
using Motive.Tests.Support;
using Motive.ToyWorld.Classifier;

namespace Motive.Tests.ToyWorld;

/// <summary>
/// Classifier guidance does its job on the embedded toy model, judged by the toy world's own colour judge (not by the
/// guiding classifier): with the same seeds and the model's preset (models/toy/motive.json: 12 DDIM steps, 2
/// recursions, one clipped gradient step on x̂₀ a step), nearly every sample shows a red largest object at the
/// preset's scale, far more than at scale 0. Kept small: 6 samples at each of the two scales.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class GuidanceSweepTests
{
    [Fact]
    public void Guidance_RaisesTheJudgedTargetRate()
    {
        using var dir = new TempDir();
        using var models = new EditModels();
        var request = new ClassifierGuidanceRequest { Target = "red", Seed = 1000, Settings = new ClassifierGuidanceOptions { Samples = 6 } };
        double preset = new ClassifierGuidanceMethod().Defaults(null).Scale!.Value;
        var points = GuidanceSweep.Run(request, [0, preset], dir.Path, models);
        // docs/classifier-guidance.md: 16 of 16 seeds from 1000 judged red at the preset's scale; allow one miss in six.
        Assert.True(points[1].JudgeRate >= 5 / 6.0 && points[1].JudgeRate > points[0].JudgeRate,
            $"judged red at scale 0: {points[0].JudgeRate:P0}, at scale {preset}: {points[1].JudgeRate:P0}");
        Assert.True(points[1].ClassifierRate >= points[1].JudgeRate - 0.5, "the classifier and the judge disagree wildly");
        Assert.True(File.Exists(Path.Combine(dir.Path, $"scale-{preset:0.###}", "result.png")));
    }
}
