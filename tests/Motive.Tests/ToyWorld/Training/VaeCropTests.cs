using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Motive.ToyWorld.Training;
using static TorchSharp.torch;

namespace Motive.Tests.Training;

/// <summary>The VAE's training windows: cut from the scene unchanged, and objects fill more of them than of whole scenes.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class VaeCropTests
{
    [Fact]
    public void Crops_AreWindowsOfTheScenes_WithMoreObjectThanWholeScenes()
    {
        var seeds = Enumerable.Range(0, 16).Select(i => 2 * i + 1000).ToArray();
        var scenes = Enumerable.Range(0, 16).Select(i => SceneGenerator.Generate(seeds[i], 128, 128)).ToList();
        using var scope = NewDisposeScope();
        using var g = new Generator(7);
        var (crops, objects) = VaeTraining.Crops(scenes, g);
        Assert.Equal(new long[] { 16, 3, VaeTraining.CropSize, VaeTraining.CropSize }, crops.shape);
        Assert.Equal(new long[] { 16, 1, VaeTraining.CropSize, VaeTraining.CropSize }, objects.shape);

        var (images, whole) = SceneBatches.ImagesAndObjects(scenes);
        for (int i = 0; i < 4; i++)
        {
            bool found = false;
            for (int y = 0; y <= 128 - VaeTraining.CropSize && !found; y++)
                for (int x = 0; x <= 128 - VaeTraining.CropSize && !found; x++)
                    found = images[i, .., y..(y + VaeTraining.CropSize), x..(x + VaeTraining.CropSize)].eq(crops[i]).all().item<bool>()
                        && whole[i, .., y..(y + VaeTraining.CropSize), x..(x + VaeTraining.CropSize)].eq(objects[i]).all().item<bool>();
            Assert.True(found, $"crop {i} is a window of its scene, with that window's object mask");
        }
        double inCrops = objects.mean().item<float>(), inScenes = whole.mean().item<float>();
        Assert.True(inCrops > 1.5 * inScenes, $"object share {inScenes:P1} of whole scenes, {inCrops:P1} of crops");
    }

    [Fact]
    public void CropSizeZero_GivesTheWholeScenes()
    {
        var scenes = new[] { 1001, 1003 }.Select(s => SceneGenerator.Generate(s, 128, 128)).ToList();
        using var scope = NewDisposeScope();
        using var g = new Generator(7);
        var (images, objects) = VaeTraining.Crops(scenes, g, cropSize: 0);
        var (whole, wholeObjects) = SceneBatches.ImagesAndObjects(scenes);
        Assert.True(images.eq(whole).all().item<bool>() && objects.eq(wholeObjects).all().item<bool>(), "crop 0 passes the scenes through");
    }
}
