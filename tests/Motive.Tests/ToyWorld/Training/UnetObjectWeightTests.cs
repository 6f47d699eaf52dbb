using Motive.Tests.Support;
using Motive.Training.Loop;
using Motive.ToyWorld.Training;
using static TorchSharp.torch;

namespace Motive.Tests.Training;

/// <summary>The UNet objective's object weighting: which latent cells weigh more, and how the weighted mean normalises.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class UnetObjectWeightTests
{
    [Fact]
    public void LatentCellWeights_MarkEveryCellAnObjectPixelFallsIn()
    {
        using var scope = NewDisposeScope();
        var mask = zeros(1, 1, 32, 32);
        mask[0, 0, 17, 9] = tensor(1f);    // row 17, column 9: latent cell (2, 1) at 8× downsampling
        mask[0, 0, 31, 31] = tensor(1f);   // the last pixel: cell (3, 3)
        var w = UnetTraining.LatentCellWeights(mask, 8, 10);
        Assert.Equal(new long[] { 1, 1, 4, 4 }, w.shape);
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal((r, c) is (2, 1) or (3, 3) ? 10f : 1f, w[0, 0, r, c].item<float>());
    }

    [Fact]
    public void WeightedLossMean_IsThePlainMeanForEqualWeights_AndWeighsObjectCellsUp()
    {
        using var scope = NewDisposeScope();
        var error = zeros(1, 2, 4, 4);
        error[0, .., 2, 1] = tensor(1f);   // both channels err by 1 in one cell
        var mask = zeros(1, 1, 32, 32);
        mask[0, 0, 17, 9] = tensor(1f);
        Assert.Equal(error.mean().item<float>(), WeightedLoss.Mean(error, UnetTraining.LatentCellWeights(mask, 8, 1)).item<float>(), 6);
        // Σ w·e / 32 elements = 20/32; mean weight = (15 + 10)/16: 0.625 / 1.5625 = 0.4 (the plain mean is 0.0625)
        Assert.Equal(0.4, WeightedLoss.Mean(error, UnetTraining.LatentCellWeights(mask, 8, 10)).item<float>(), 5);
    }
}
