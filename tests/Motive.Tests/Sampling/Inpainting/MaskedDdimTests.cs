using Motive.Sampling.Inpainting;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.Sampling;

/// <summary>Masked DDIM's pieces: the forward process at a level, the blend of known and generated cells, RePaint's jump back, the latent hole mask.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class MaskedDdimTests
{
    private static Tensor Randn(long seed, params long[] shape) => randn(shape, generator: new Generator((ulong)seed));

    private static double MaxDiff(Tensor a, Tensor b)
    {
        using var d = (a - b).abs().max();
        return d.item<float>();
    }

    [Fact]
    public void QSample_IsTheForwardProcess_AndTheCleanLatentAtAlphaOne()
    {
        using var z0 = Randn(1, 1, 4, 8, 8);
        using var eps = Randn(2, 1, 4, 8, 8);
        using var clean = MaskedDdim.QSample(z0, eps, 1f);
        Assert.True(TensorAssert.BitEqual(clean, z0));
        using var x = MaskedDdim.QSample(z0, eps, 0.36f);
        using var expected = z0 * 0.6f + eps * 0.8f;        // √0.36, √0.64
        Assert.True(MaxDiff(x, expected) < 1e-6);
    }

    [Fact]
    public void Blend_TakesKnownCellsFromTheKnownLatent_HoleCellsFromTheGenerated()
    {
        using var known = Randn(3, 1, 4, 4, 4);
        using var generated = Randn(4, 1, 4, 4, 4);
        using var none = zeros(1, 1, 4, 4);
        using var all = ones(1, 1, 4, 4);
        using (var b = MaskedDdim.Blend(known, generated, none)) Assert.True(TensorAssert.BitEqual(b, known));
        using (var b = MaskedDdim.Blend(known, generated, all)) Assert.True(TensorAssert.BitEqual(b, generated));
        var cells = new float[16];
        cells[1 * 4 + 2] = 1;                                     // cell (row 1, column 2)
        using var half = tensor(cells).view(1, 1, 4, 4);
        using var mixed = MaskedDdim.Blend(known, generated, half);
        // Every channel of cell (1, 2) is the generated latent's; every other cell the known one's.
        var k = known.data<float>().ToArray();
        var g = generated.data<float>().ToArray();
        var expected = Enumerable.Range(0, k.Length).Select(i => i % 16 == 1 * 4 + 2 ? g[i] : k[i]).ToArray();
        using var known2 = tensor(expected).view(1, 4, 4, 4);
        Assert.True(TensorAssert.BitEqual(mixed, known2));
    }

    [Fact]
    public void Renoise_BringsALatentOnTheForwardPath_ToTheNoisierLevelsMarginal()
    {
        // z₀ constant, x_prev = √ᾱp z₀ + √(1−ᾱp) ε; after the jump x_t must be √ᾱt z₀ + N(0, 1−ᾱt): mean and variance over many cells.
        const float alphaPrev = 0.8f, alpha = 0.3f;
        using var z0 = full(1, 1, 400, 500, 0.7f);
        using var eps = Randn(5, 1, 1, 400, 500);
        using var z = Randn(6, 1, 1, 400, 500);
        using var prev = MaskedDdim.QSample(z0, eps, alphaPrev);
        using var x = MaskedDdim.Renoise(prev, alphaPrev, alpha, z);
        using var mean = x.mean();
        using var variance = x.var();
        // 200,000 cells: the sample mean's standard error is √0.7/√200000 ≈ 0.002, the variance's ≈ 0.7·√(2/200000) ≈ 0.002; 0.01 is 5 of them.
        Assert.InRange(mean.item<float>(), 0.7 * Math.Sqrt(alpha) - 0.01, 0.7 * Math.Sqrt(alpha) + 0.01);
        Assert.InRange(variance.item<float>(), 1 - alpha - 0.01, 1 - alpha + 0.01);
        // Without noise the jump only scales the signal: √(ᾱt/ᾱp) · √ᾱp z₀ = √ᾱt z₀.
        using var quiet = zeros(1, 1, 400, 500);
        using var cleanPrev = MaskedDdim.QSample(z0, quiet, alphaPrev);
        using var scaled = MaskedDdim.Renoise(cleanPrev, alphaPrev, alpha, quiet);
        Assert.True(MaxDiff(scaled, z0 * MathF.Sqrt(alpha)) < 1e-6);
    }

    [Fact]
    public void Renoise_RefusesALessNoisyLevel()
    {
        using var x = zeros(1, 4, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => MaskedDdim.Renoise(x, 0.3f, 0.8f, x));
        Assert.Contains("noisier", e.Message);
    }

    [Fact]
    public void LatentMask_ACellIsAHoleWhenAnyOfItsGrownPixelsIs()
    {
        var pixels = new float[32 * 32];
        pixels[21 * 32 + 13] = 1;                                 // pixel x 13, y 21: cell (row 2, column 1)
        using var hole = tensor(pixels).view(1, 1, 32, 32);
        using var exact = LatentMask.Of(hole, 0);
        Assert.Equal([1L, 1, 4, 4], exact.shape);
        Assert.Equal(1f, exact.sum().item<float>());
        Assert.Equal(1f, exact[0, 0, 2, 1].item<float>());
        // Grown by 3 px it covers x 10..16 and y 18..24: columns 1–2, rows 2–3.
        using var grown = LatentMask.Of(hole, 3);
        Assert.Equal(4f, grown.sum().item<float>());
        foreach (var (r, c) in new[] { (2, 1), (2, 2), (3, 1), (3, 2) }) Assert.Equal(1f, grown[0, 0, r, c].item<float>());
        using var dilated = LatentMask.Dilate(hole, 3);
        Assert.Equal(49f, dilated.sum().item<float>());           // a 7×7 square
    }

    [Fact]
    public void LatentMask_RefusesASizeThatIsNotOfWholeCells()
    {
        using var hole = zeros(1, 1, 20, 16);
        Assert.Contains("multiple of 8", Assert.Throws<ArgumentException>(() => LatentMask.Downsample(hole)).Message);
        Assert.Throws<ArgumentException>(() => LatentMask.Dilate(hole, -1));
    }
}
