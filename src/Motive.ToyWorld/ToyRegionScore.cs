using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld;

/// <summary>
/// An edited picture against the exact target over one region of the edit (<see cref="EditRegions"/>): its size in
/// pixels, PSNR (dB; ∞ where equal) and SSIM (the windows centred in it). An empty region has no score: both are NaN,
/// and summaries leave it out and count the cases that had one.
/// </summary>
public sealed record ToyRegionScore(string Region, int Pixels, double Psnr, double Ssim)
{
    /// <summary>One score per region, in <see cref="EditRegions.All"/>'s order; <paramref name="image"/> and <paramref name="target"/> planar RGB in [0,1].</summary>
    public static IReadOnlyList<ToyRegionScore> Of(EditRegions regions, float[] image, float[] target) =>
        EditRegions.All.Select(r =>
        {
            var mask = regions.Mask(r);
            int pixels = mask.Count(m => m);
            return pixels == 0
                ? new ToyRegionScore(EditRegions.Name(r), 0, double.NaN, double.NaN)
                : new ToyRegionScore(EditRegions.Name(r), pixels, ImageMeasures.Psnr(image, target, regions.Width, regions.Height, mask),
                    ImageMeasures.Ssim(image, target, regions.Width, regions.Height, mask));
        }).ToList();
}
