using Motive.Tests.Support;
using Motive.ToyWorld.Classifier;
using Motive.ToyWorld.Scenes;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.ToyWorld;

/// <summary>
/// The classifier's training augmentations: the hue turn is a rotation about the grey axis that moves hue by its
/// angle (greys stay put), a turned colour is named after the nearest palette hue, and a batch's labels follow.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class ClassifierAugmentationTests
{
    private static int Index(string colour) => Palette.ObjectNames.ToList().IndexOf(colour);

    [Fact]
    public void HueRotation_KeepsGreys_AndTurnsHueByItsAngle()
    {
        var m = ClassifierAugmentation.HueRotation(30);
        float[] Apply(float[] x) => [.. Enumerable.Range(0, 3).Select(i => m[i, 0] * x[0] + m[i, 1] * x[1] + m[i, 2] * x[2])];
        foreach (var v in new[] { -0.8f, 0f, 0.5f })
            Assert.All(Apply([v, v, v]), y => Assert.Equal(v, y, 5));
        // A colour whose turned values stay in range: hue 0 (pink-red, mid-saturated) moves to hue ≈ 30.
        var turned = Apply([0.4f, -0.2f, -0.2f]);
        var (hue, _, _) = Palette.Hsv((turned[0] + 1) / 2, (turned[1] + 1) / 2, (turned[2] + 1) / 2);
        Assert.InRange(hue, 29, 31);
        var back = ClassifierAugmentation.HueRotation(-30);
        var round = Enumerable.Range(0, 3).Select(i => back[i, 0] * turned[0] + back[i, 1] * turned[1] + back[i, 2] * turned[2]).ToArray();
        Assert.Equal([0.4f, -0.2f, -0.2f], round, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void TurnedColour_IsTheNearestPaletteHue()
    {
        for (int c = 0; c < Palette.ObjectNames.Count; c++) Assert.Equal(c, ClassifierAugmentation.TurnedColour(c, 0));
        // Red (0°) and yellow (56°) meet near 28°: a red turned 45° reads as yellow, a yellow turned −45° as red.
        Assert.Equal(Index("yellow"), ClassifierAugmentation.TurnedColour(Index("red"), 45));
        Assert.Equal(Index("red"), ClassifierAugmentation.TurnedColour(Index("red"), 15));
        Assert.Equal(Index("red"), ClassifierAugmentation.TurnedColour(Index("yellow"), -45));
        Assert.Equal(Index("green"), ClassifierAugmentation.TurnedColour(Index("green"), -20));
    }

    [Fact]
    public void Apply_RelabelsByTheTurnedColoursPixels_AndLeavesOtherAttributesLabels()
    {
        // Scenes of one red object (label red) and a few yellow pixels; turned by up to 60°, some become yellow.
        using var images = zeros([64, 3, 8, 8]);
        using var labels = zeros([64], dtype: int64);
        using var pixels = tensor(Enumerable.Range(0, 64).SelectMany(_ => new long[] { 50, 10, 0, 0 }).ToArray(), [64, 4]);
        var hueOnly = new ClassifierAugmentation(60, 0, 0);
        var (x, turned) = hueOnly.Apply(images, labels, pixels, new Generator(3));
        var names = turned.data<long>().Select(l => Palette.ObjectNames[(int)l]).ToList();
        Assert.Contains("red", names);
        Assert.Contains("yellow", names);
        Assert.DoesNotContain("green", names);
        Assert.True(x.equal(images).all().item<bool>(), "black (grey) pictures stay as they are");
        var (_, same) = hueOnly.Apply(images, labels, null, new Generator(3));
        Assert.True(same.equal(labels).all().item<bool>(), "no colour pixels: the labels stay");
        var (noisy, _) = new ClassifierAugmentation(0, 0.3, 4).Apply(images, labels, null, new Generator(3));
        Assert.Equal(images.shape, noisy.shape);
        Assert.True(noisy.std().item<float>() is > 0.01f and < 0.3f, "noise up to σ 0.3");
    }
}
