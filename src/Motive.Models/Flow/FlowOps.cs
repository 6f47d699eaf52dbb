using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Flow;

/// <summary>
/// Flow math as pure functions of tensors. Flows are (B,2,H,W) in pixels on the source grid, channel 0 = x.
/// </summary>
public static class FlowOps
{
    /// <summary>The sampling grid of p + flow(p) in grid_sample's align_corners=True units (B,H,W,2): −1 ↔ pixel 0, +1 ↔ pixel W−1.</summary>
    public static Tensor NormalizedGrid(Tensor flow)
    {
        long h = flow.shape[2], w = flow.shape[3];
        var ys = arange(h, dtype: flow.dtype, device: flow.device).view(1, h, 1);
        var xs = arange(w, dtype: flow.dtype, device: flow.device).view(1, 1, w);
        // Same operation order as the reference (−1 + 2·abs/(size−1)): exact equality tests in the occlusion mask see the rounding.
        var gx = (flow[.., 0] + xs) * 2 / (w - 1) - 1;
        var gy = (flow[.., 1] + ys) * 2 / (h - 1) - 1;
        return stack([gx, gy], -1);
    }

    /// <summary>
    /// Backward warp: out(p) = image(p + flow(p)), bilinear, align_corners=True (Motion Guidance's warp).
    /// Differentiable in both the image and the flow.
    /// </summary>
    public static Tensor Warp(Tensor image, Tensor flow, GridSamplePaddingMode padding = GridSamplePaddingMode.Reflection) =>
        F.grid_sample(image, NormalizedGrid(flow), GridSampleMode.Bilinear, padding, align_corners: true);

    /// <summary>
    /// Motion Guidance's occlusion mask (losses.py l.26-40, doc §3.4), computed exactly as the reference does, by
    /// autograd: pixels that receive gradient from sum(w·[f≠w]), w = warp(f, f), are covered by moved content;
    /// they are masked (0) unless they move themselves. Returns (B,1,H,W), 1 = keep in the colour loss.
    /// </summary>
    public static Tensor OcclusionMask(Tensor targetFlow)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var f = targetFlow.detach().to(float32).requires_grad_(true);
        var w = Warp(f, f);
        var m = w * f.ne(w).to(float32);
        var g = autograd.grad([m.sum()], [f])[0];
        var touched = g.abs().sum(dim: 1, keepdim: true).ne(0);
        var moving = f.detach().abs().sum(dim: 1, keepdim: true).ne(0);
        var keep = touched.logical_not().logical_or(moving).to(float32);
        return keep.MoveToOuterDisposeScope();
    }

    /// <summary>Per-pixel end-point error ‖a − b‖₂ (B,H,W).</summary>
    public static Tensor EndPointError(Tensor a, Tensor b) => (a - b).square().sum(dim: 1).sqrt();

    /// <summary>
    /// Pixels within <paramref name="radius"/> px (Chebyshev) of a motion edge (B,H,W, bool): where some component of
    /// the flow spans more than <paramref name="tolerance"/> px over the (2r+1)² window. A flow estimated at 1/8
    /// resolution and upsampled is blurred there, so errors are reported near and away from these edges apart.
    /// </summary>
    public static Tensor NearMotionEdge(Tensor flow, int radius, double tolerance = 0.5)
    {
        using var scope = NewDisposeScope();
        int k = 2 * radius + 1;
        var high = F.max_pool2d(flow, k, 1, radius);
        var low = F.max_pool2d(flow.neg(), k, 1, radius).neg();
        return (high - low).amax([1]).gt(tolerance).MoveToOuterDisposeScope();
    }
}

/// <summary>End-point error statistics of an estimated flow against a reference.</summary>
public sealed record EpeStats(double Mean, double Median, double Max, double Within1px, double Within3px)
{
    public static EpeStats Of(Tensor estimate, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var e = FlowOps.EndPointError(estimate.to(float32), reference.to(float32)).flatten();
        return new EpeStats(e.mean().item<float>(), e.median().item<float>(), e.max().item<float>(),
            e.le(1f).to(float32).mean().item<float>(), e.le(3f).to(float32).mean().item<float>());
    }
}
