using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Methods.WarpInpaint;

/// <summary>
/// The forward warp of an edit, made at plan time (no model): the source at the run size (1,3,H,W) in [-1,1], the
/// target flow (2,H,W), the source splatted along it (<see cref="ForwardSplat.Planar"/>: each moving pixel to its
/// nearest target pixel; the holes still show the source) and the holes (1,1,H,W), 1 where nothing lands
/// (<see cref="ForwardSplat.Holes"/>), less those inside what moved, which a zoom or a turn leaves between the pixels
/// it spreads apart: each takes the source pixel whose footprint covers it (<see cref="ForwardSplat.FillFootprints"/>).
/// </summary>
public sealed record WarpedPicture(Tensor Source, Tensor Flow, Tensor Warped, Tensor Hole) : IDisposable
{
    /// <summary>Warps <paramref name="picture"/> (the input, resized by <paramref name="sizing"/>) along <paramref name="flow"/> (2,H,W) at the run size; takes the flow.</summary>
    public static WarpedPicture Of(RgbImage picture, InputSizing sizing, Tensor flow)
    {
        int w = sizing.TargetWidth, h = sizing.TargetHeight;
        using var full = ImageTensors.ToTensorPm1(picture);
        using var resized = sizing.Image(full);
        var source = resized.contiguous().clone();
        var f = flow.to(float32).contiguous().data<float>().ToArray();
        var planar = source.data<float>().ToArray();
        var splat = ForwardSplat.Planar(planar, f, 3, w, h);
        var holes = ForwardSplat.Holes(f, w, h);
        ForwardSplat.FillFootprints(planar, splat, holes, f, 3, w, h);   // a zoom's or a turn's gaps, grown, would otherwise make its whole object a hole
        var warped = tensor(splat).view(1, 3, h, w);
        var hole = tensor(Array.ConvertAll(holes, b => b ? 1f : 0f)).view(1, 1, h, w);
        return new WarpedPicture(source, flow, warped, hole);
    }

    /// <summary>The share of the picture's pixels that are holes.</summary>
    public double HoleFraction
    {
        get
        {
            using var mean = Hole.mean();
            return mean.item<float>();
        }
    }

    public void Dispose()
    {
        Source.Dispose();
        Flow.Dispose();
        Warped.Dispose();
        Hole.Dispose();
    }
}
