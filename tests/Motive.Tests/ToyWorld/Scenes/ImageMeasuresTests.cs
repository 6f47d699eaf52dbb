using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;

namespace Motive.Tests.Scenes;

/// <summary>The bench's measures against values computed by hand.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class ImageMeasuresTests
{
    private const int W = 32, H = 24;

    [Fact]
    public void Psnr_OfAConstantError_Is20Log10OfOneOverIt_AndRespectsTheMask()
    {
        var a = Enumerable.Repeat(0.5f, 3 * W * H).ToArray();
        var b = a.Select(v => v + 0.1f).ToArray();
        Assert.Equal(20.0, ImageMeasures.Psnr(a, b, W, H), 3);
        Assert.True(double.IsPositiveInfinity(ImageMeasures.Psnr(a, a, W, H)));
        var where = new bool[W * H];
        where[5] = true;
        b[5] = a[5];
        b[W * H + 5] = a[W * H + 5];
        b[2 * W * H + 5] = a[2 * W * H + 5];
        Assert.True(double.IsPositiveInfinity(ImageMeasures.Psnr(a, b, W, H, where)), "only the one equal pixel is measured");
    }

    [Fact]
    public void Ssim_IsOneForEqualImages_AndFallsAsNoiseGrows()
    {
        var scene = SceneRenderer.Render(SceneGenerator.Generate(5, 64, 64)).Image;
        Assert.Equal(1.0, ImageMeasures.Ssim(scene, scene, 64, 64), 9);
        var rng = new Random(1);
        var noisy = scene.Select(v => Math.Clamp(v + (float)(rng.NextDouble() - 0.5) * 0.2f, 0, 1)).ToArray();
        double s = ImageMeasures.Ssim(scene, noisy, 64, 64);
        Assert.InRange(s, 0.2, 0.99);
        var noisier = scene.Select(v => Math.Clamp(v + (float)(rng.NextDouble() - 0.5) * 0.6f, 0, 1)).ToArray();
        Assert.True(ImageMeasures.Ssim(scene, noisier, 64, 64) < s, "three times the noise, lower SSIM");
    }

    [Fact]
    public void CentroidAndIoU_OfRectangles()
    {
        var a = new bool[W * H];
        var b = new bool[W * H];
        for (int y = 4; y < 8; y++)
            for (int x = 2; x < 10; x++) { a[y * W + x] = true; b[y * W + x + 4] = true; }
        var (cx, cy) = ImageMeasures.Centroid(a, W)!.Value;
        Assert.Equal((5.5, 5.5), (cx, cy));
        Assert.Equal(16.0 / 48.0, ImageMeasures.IoU(a, b), 9);   // 4×4 shared of 4×12 covered
        Assert.Null(ImageMeasures.Centroid(new bool[W * H], W));
    }

    [Fact]
    public void Grow_AddsTheSquareAroundEveryPixel_ClippedAtTheBorder()
    {
        // 5×4 with pixels at (0,0) and (4,3): grown by 1 they cover their 2×2 corners, nothing else.
        var mask = new bool[20];
        mask[0] = mask[19] = true;
        var grown = ImageMeasures.Grow(mask, 5, 4, 1);
        int[] expected = [0, 1, 5, 6, 13, 14, 18, 19];
        Assert.Equal(expected, Enumerable.Range(0, 20).Where(i => grown[i]));
    }
}
