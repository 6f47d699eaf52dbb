using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld;

/// <summary>
/// How well an edited image (planar RGB in [0,1]) matches a toy case's ground truth: the edited object found by its
/// colour — centroid error (px) against the target's visible object and IoU with its mask — PSNR and SSIM against
/// the target render over the whole image and outside the edit region, and the end-point error (px) of RAFT(source, result) against the exact flow, over all pixels and over the
/// pixels that move; and PSNR and SSIM in each region of the edit (<see cref="EditRegions"/>: uncovered, revealed, covered,
/// overlap, rest; null only for scores made by hand).
/// </summary>
public sealed record ToyEditScore(double CentroidError, [property: System.Text.Json.Serialization.JsonPropertyName("iou")] double IoU, double Psnr, double Ssim, double PsnrOutside, double SsimOutside, double Epe, double EpeMoving,
    IReadOnlyList<ToyRegionScore>? Regions = null)
{
    /// <summary>A centroid error for results where the object is not found at all: the image diagonal.</summary>
    public static double Missing(ToyCase c) => Math.Sqrt(c.Width * c.Width + c.Height * c.Height);

    public static ToyEditScore Of(ToyCase c, float[] image, double epe, double epeMoving)
    {
        var truth = c.Truth;
        int w = c.Width, h = c.Height, k = c.Edit.Object;
        var colour = c.Scene.Objects[k].Colour;
        var found = ImageMeasures.Segment(image, w, h, colour);
        var expected = truth.TargetRender.Visible(k);
        var at = ImageMeasures.Centroid(found, w);
        var want = ImageMeasures.Centroid(expected, w)!.Value;
        double centroid = at is { } p ? Math.Sqrt((p.X - want.X) * (p.X - want.X) + (p.Y - want.Y) * (p.Y - want.Y)) : Missing(c);
        var outside = truth.Region.Select(r => !r).ToArray();
        var target = truth.TargetRender.Image;
        return new ToyEditScore(centroid, ImageMeasures.IoU(found, expected),
            ImageMeasures.Psnr(image, target, w, h), ImageMeasures.Ssim(image, target, w, h),
            ImageMeasures.Psnr(image, target, w, h, outside), ImageMeasures.Ssim(image, target, w, h, outside), epe, epeMoving,
            ToyRegionScore.Of(EditRegions.Of(truth), image, target));
    }
}
