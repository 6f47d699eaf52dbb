using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>Motion Guidance's two loss terms (losses.py, doc §3.1) as pure functions. Images in [0,1], flows in px.</summary>
public static class MotionLosses
{
    /// <summary>mean |F_target − F_estimated| over all 2·H·W elements (unmasked: static pixels must stay static).</summary>
    public static Tensor FlowLoss(Tensor targetFlow, Tensor estimatedFlow) => (targetFlow - estimatedFlow).abs().mean();

    /// <summary>
    /// mean |source·M − warp(pred, flow)·M| over all 3·H·W elements (masked-out pixels count as zeros, as in the
    /// reference); M = 1 everywhere when <paramref name="occlusionMask"/> is null. The warp is backward:
    /// warped(p) = pred(p + flow(p)), bilinear, reflection padding.
    /// </summary>
    public static Tensor ColorLoss(Tensor source01, Tensor pred01, Tensor flow, Tensor? occlusionMask)
    {
        var warped = FlowOps.Warp(pred01, flow);
        return occlusionMask is null
            ? (source01 - warped).abs().mean()
            : (source01 * occlusionMask - warped * occlusionMask).abs().mean();
    }

    /// <summary>E = flow_weight · flow loss + color_weight · color loss.</summary>
    public static Tensor Energy(Tensor flowLoss, Tensor colorLoss, double flowWeight, double colorWeight) =>
        flowLoss * flowWeight + colorLoss * colorWeight;
}
