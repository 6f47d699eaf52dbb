using Motive.ToyWorld.Evaluation;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Motive.ToyWorld.Training;

namespace Motive.Tests.Training;

/// <summary>The caption judge of the toy evaluation on 100 held-out renders, each judged twice (seconds of work).</summary>
[Trait(Tier.Category, Tier.Integration)]
public class CaptionJudgeTests
{
    /// <summary>
    /// The caption judge tells shapes apart on the generator's own renders (what it will see in good samples), objects
    /// partly hidden behind another included. Fitted at their visible part's centroid and area, 9 of the first 200
    /// held-out scenes were misjudged, each for a hidden corner; the fitted pose and the hidden pixels leave 1. The same
    /// renders judged against captions with every shape changed must fail.
    /// </summary>
    [Fact]
    public void CaptionJudge_NamesTheShapesOfRenderedScenes_OccludedOnesIncluded()
    {
        int scenes = 0, right = 0, occluded = 0, occludedRight = 0, wrongAccepted = 0;
        var wrong = new List<string>();
        foreach (var seed in Enumerable.Range(0, 100).Select(HeldOut.SceneSeed))
        {
            var scene = SceneGenerator.Generate(seed);
            var image = SceneRenderer.Render(scene).Image;
            var check = ToyEvaluation.Judge(seed, scene, image);
            var misnamed = scene with { Objects = scene.Objects.Select(o => o with { Shape = (Shape)(((int)o.Shape + 1) % Enum.GetValues<Shape>().Length) }).ToList() };
            if (ToyEvaluation.Judge(seed, misnamed, image).ShapesRight > 0) wrongAccepted++;
            scenes++;
            if (check.Correct) right++;
            else wrong.Add($"seed {seed}: {check.Caption}: {check.ShapesRight} of {check.Requested} shapes");
            if (Overlapping(scene)) { occluded++; if (check.Correct) occludedRight++; }
        }
        Assert.True(occluded >= 5, $"only {occluded} of 100 held-out scenes have overlapping objects; the test needs some");
        Assert.True(right >= 98, $"{right} of {scenes} scenes judged right ({occludedRight} of {occluded} with overlapping objects); {string.Join("; ", wrong)}");
        Assert.True(wrongAccepted <= 2, $"{wrongAccepted} of {scenes} renders had a wrongly named shape accepted");
    }

    private static bool Overlapping(Scene scene) =>
        scene.Objects.Count == 2
        && Math.Sqrt(Math.Pow(scene.Objects[0].X - scene.Objects[1].X, 2) + Math.Pow(scene.Objects[0].Y - scene.Objects[1].Y, 2)) < scene.Objects[0].Size + scene.Objects[1].Size;
}
