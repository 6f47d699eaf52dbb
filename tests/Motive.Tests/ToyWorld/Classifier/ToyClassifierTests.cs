using Motive.Methods.ClassifierGuidance;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Motive.ToyWorld.Classifier;

namespace Motive.Tests.ToyWorld;

/// <summary>
/// The embedded toy colour classifier (models/toy/classifier, made by `motive train classifier`) against the toy
/// world's truth, and the toy judge that classifier guidance is scored by, against the same truth.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class ToyClassifierTests
{
    [Fact]
    public void TheEmbeddedClassifier_NamesTheLargestObjectsColour_OnHeldOutScenes()
    {
        using var classifier = PictureClassifier.Load(ClassifierGuidanceMethod.EmbeddedPath);
        Assert.Equal(ToyAttribute.Colour.Classes, classifier.Classes);
        double accuracy = ClassifierTraining.Accuracy(classifier, ToyAttribute.Colour, 200, 128);
        // models/toy/README.md records its accuracy on 400 held-out scenes; these are the first 200 of them.
        Assert.True(accuracy >= 0.95, $"held-out accuracy {accuracy:P1}");
    }

    [Fact]
    public void TheToyJudge_AgreesWithTheTruth_OnRenders()
    {
        int colour = 0, shape = 0, n = 100;
        for (int i = 0; i < n; i++)
        {
            var scene = SceneGenerator.Generate(HeldOut.SceneSeed(i), 128, 128);
            var render = SceneRenderer.Render(scene);
            var (c, s, _) = ToyAttribute.Judge(render.Image, 128, 128);
            if (c == ToyAttribute.Colour.Classes[ToyAttribute.Colour.Label(scene, render)]) colour++;
            if (s == ToyAttribute.Shape.Classes[ToyAttribute.Shape.Label(scene, render)]) shape++;
        }
        Assert.True(colour >= 97, $"colour judged right on {colour} of {n} renders");
        Assert.True(shape >= 90, $"shape judged right on {shape} of {n} renders");
    }
}
