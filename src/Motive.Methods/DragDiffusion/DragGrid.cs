using Motive.Models.Flow;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// The supervision grid of a drag (half the run size a side, as the reference's sup_res): clicks and masks in image
/// pixels mapped onto it the reference's way (points rounded half to even; masks made binary, then nearest-resized).
/// </summary>
public static class DragGrid
{
    /// <summary>Grid rows and columns of a run of <paramref name="height"/>×<paramref name="width"/> px: int(0.5·side).</summary>
    public static (long Height, long Width) Size(long height, long width) => (height / 2, width / 2);

    /// <summary>Handles and targets of the pairs (image pixels of a <paramref name="height"/>×<paramref name="width"/> run) on its grid.</summary>
    public static (List<GridPoint> Handles, List<GridPoint> Targets) Points(IReadOnlyList<DragPair> pairs, long height, long width)
    {
        var (gh, gw) = Size(height, width);
        return (pairs.Select(p => GridPoint.FromPixel(p.X1, p.Y1, height, width, gh, gw)).ToList(),
                pairs.Select(p => GridPoint.FromPixel(p.X2, p.Y2, height, width, gh, gw)).ToList());
    }

    /// <summary>An editable mask (H,W) at the run size, any value &gt; 0 = editable → (1,1,H/2,W/2) float of 0/1.</summary>
    public static Tensor Mask(Tensor full)
    {
        using var scope = NewDisposeScope();
        var (gh, gw) = Size(full.shape[0], full.shape[1]);
        var binary = full.to(float32).gt(0).to(float32).view(1, 1, full.shape[0], full.shape[1]);
        return F.interpolate(binary, size: [gh, gw], mode: InterpolationMode.Nearest).MoveToOuterDisposeScope();
    }
}
