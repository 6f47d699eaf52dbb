using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Sampling.Inpainting;

/// <summary>
/// A picture's hole mask (1,1,H,W) (1 = hole) made the latent's: grown by a few pixels (the warp's holes have ragged,
/// aliased edges, and pixels next to a hole are often half-right), then reduced to the latent's grid, where a cell is
/// a hole when any of its pixels is. A latent cell mixes its 8×8 pixels and more (the VAE's receptive field), so a cell
/// with any hole pixel in it cannot be kept: it would bring back what the hole showed.
/// </summary>
public static class LatentMask
{
    /// <summary>The mask with every pixel within <paramref name="pixels"/> (a (2p+1)² square) of a hole made a hole.</summary>
    public static Tensor Dilate(Tensor hole, int pixels)
    {
        if (pixels < 0) throw new ArgumentException($"the dilation must be 0 or more pixels, got {pixels}");
        if (pixels == 0) return hole.to(float32).clone();
        using var h = hole.to(float32);
        return F.max_pool2d(h, pixels * 2 + 1, stride: 1, padding: pixels);
    }

    /// <summary>(1,1,H,W) → (1,1,H/f,W/f): a cell is a hole (1) when any of its f×f pixels is one.</summary>
    public static Tensor Downsample(Tensor hole, int factor = 8)
    {
        if (hole.shape[2] % factor != 0 || hole.shape[3] % factor != 0)
            throw new ArgumentException($"the mask is {hole.shape[3]}x{hole.shape[2]}, not a multiple of {factor} on both sides");
        using var h = hole.to(float32);
        return F.max_pool2d(h, factor, stride: factor);
    }

    /// <summary>The latent hole mask of a picture's: <see cref="Dilate"/> by <paramref name="dilation"/> px, then <see cref="Downsample"/>.</summary>
    public static Tensor Of(Tensor hole, int dilation, int factor = 8)
    {
        using var grown = Dilate(hole, dilation);
        return Downsample(grown, factor);
    }
}
