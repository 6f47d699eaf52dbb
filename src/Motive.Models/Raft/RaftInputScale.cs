using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Raft;

/// <summary>
/// Running RAFT on enlarged images (<see cref="RaftModel.InputScale"/>). RAFT estimates flow on a grid of 1/8 of its
/// input; RAFT-small then upsamples it bilinearly, so the step between a moving object and a still background is
/// spread over 8 input pixels. On 128² scenes with 32–64 px objects most moving pixels lie in that band. Enlarging
/// the images s× narrows the band to 8/s of the scene's pixels at s² the cost, with no new weights and the
/// checkpoint layout unchanged.
/// </summary>
public static class RaftInputScale
{
    /// <summary>The scales a checkpoint may carry: 8/s must stay whole, so the enlarged 1/8 grid falls on scene pixels.</summary>
    public static readonly int[] Supported = [1, 2, 4];

    /// <summary>The key of the scale in a RAFT safetensors file's metadata (absent means 1).</summary>
    public const string MetadataKey = "motive.raft_input_scale";

    public static int Check(int scale, string what) =>
        Supported.Contains(scale) ? scale : throw new ArgumentException($"{what} is {scale}; it must be one of {string.Join(", ", Supported)}");

    /// <summary>(B,C,H,W) images enlarged s× bilinearly (align_corners=False, pixel centres kept in place).</summary>
    public static Tensor Enlarge(Tensor images, int s) =>
        F.interpolate(images, scale_factor: [s, s], mode: InterpolationMode.Bilinear, align_corners: false);

    /// <summary>A flow (B,2,sH,sW) of the enlarged images, back at (B,2,H,W) in the images' pixels: the mean of each s×s block, divided by s.</summary>
    public static Tensor Shrink(Tensor flow, int s) => F.avg_pool2d(flow, s) / s;
}
