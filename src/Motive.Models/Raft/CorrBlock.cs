using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Raft;

/// <summary>
/// RAFT's all-pairs correlation pyramid and its lookup (princeton RAFT's CorrBlock, as pure functions).
/// corr(i, j) = ⟨f1(i), f2(j)⟩ / √D, average-pooled 3 times; each lookup samples a (2r+1)² window around the
/// current correspondence on every level.
/// </summary>
public static class CorrBlock
{
    /// <summary>fmap1, fmap2 (B,D,H,W) → levels of (B·H·W, 1, H/2^l, W/2^l).</summary>
    public static Tensor[] Pyramid(Tensor fmap1, Tensor fmap2, int levels)
    {
        long b = fmap1.shape[0], d = fmap1.shape[1], h = fmap1.shape[2], w = fmap1.shape[3];
        var f1 = fmap1.view(b, d, h * w);
        var f2 = fmap2.view(b, d, h * w);
        Motive.Models.Runtime.FlopCount.Matmul(b * h * w, d, h * w);
        var corr = matmul(f1.transpose(1, 2), f2).view(b * h * w, 1, h, w) / Math.Sqrt(d);
        var pyramid = new Tensor[levels];
        pyramid[0] = corr;
        for (int i = 1; i < levels; i++) pyramid[i] = F.avg_pool2d(pyramid[i - 1], 2, stride: 2);
        return pyramid;
    }

    /// <summary>coords (B,2,H,W) in level-0 pixels (channel 0 = x) → features (B, levels·(2r+1)², H, W).</summary>
    public static Tensor Lookup(Tensor[] pyramid, Tensor coords, int radius)
    {
        long b = coords.shape[0], h = coords.shape[2], w = coords.shape[3];
        var c = coords.permute(0, 2, 3, 1);                                        // (B,H,W,2)
        long n = 2 * radius + 1;
        var d = linspace(-radius, radius, n, dtype: coords.dtype, device: coords.device);
        // The reference stacks meshgrid(dy, dx) ('ij'): component 0 varies along the window's first axis and is
        // added to x. Kept as is, so weights trained with it see the same feature order.
        var mesh = meshgrid([d, d], indexing: "ij");
        var delta = stack([mesh[0], mesh[1]], -1).view(1, n, n, 2);
        var outs = new Tensor[pyramid.Length];
        for (int i = 0; i < pyramid.Length; i++)
        {
            var centroid = c.reshape(b * h * w, 1, 1, 2) / Math.Pow(2, i);
            var sampled = BilinearSample(pyramid[i], centroid + delta);           // (BHW,1,n,n)
            outs[i] = sampled.view(b, h, w, -1);
        }
        return cat(outs, -1).permute(0, 3, 1, 2).contiguous();          // in the pyramid's dtype
    }

    /// <summary>grid_sample with pixel coordinates (x, y), align_corners=True, zero padding (RAFT's bilinear_sampler).</summary>
    public static Tensor BilinearSample(Tensor img, Tensor coords)
    {
        long h = img.shape[2], w = img.shape[3];
        var xy = coords.split([1, 1], -1);
        var x = xy[0] * 2 / (w - 1) - 1;      // the reference's operation order (2·x/(W−1) − 1)
        var y = xy[1] * 2 / (h - 1) - 1;
        return F.grid_sample(img, cat([x, y], -1), align_corners: true);
    }
}
