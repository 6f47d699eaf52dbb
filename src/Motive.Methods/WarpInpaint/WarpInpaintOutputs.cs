using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Models.Flow;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.WarpInpaint;

/// <summary>
/// What a warp-then-inpaint edit leaves: result.png, warped.png (the forward warp as splatted: its holes still show
/// what moved away), holes.png (white: the warp's holes; grey: the rest of the latent cells the model regenerated;
/// black: kept from the warp), summary.png (input | target flow | warp, holes in magenta | result), target_flow.pth,
/// metrics (the holes' and the regenerated cells' shares of the picture; the decoded latent's PSNR against the warp
/// outside the regenerated cells, before any paste-back: what the VAE's round trip and the sampling kept; the UNet
/// evaluations) and run.json's record (the sizes; its elapsed_seconds is the run's time).
/// </summary>
public static class WarpInpaintOutputs
{
    public const string WarpedFile = "warped.png", HolesFile = "holes.png";

    /// <param name="plan">The plan that ran.</param>
    /// <param name="image">The result (1,3,H,W) in [0,1].</param>
    /// <param name="decoded">The decoded latent before the warp's pixels were pasted back (the result itself without paste-back).</param>
    /// <param name="cells">The latent hole mask (1,1,h,w) the loop filled.</param>
    public static EditResult Build(WarpInpaintPlan plan, Tensor image, Tensor decoded, Tensor cells)
    {
        using var scope = NewDisposeScope();
        var warp = plan.Warp;
        var warp01 = (warp.Warped + 1) / 2;
        var regenerated = F.interpolate(cells.to(float32).cpu(), scale_factor: [8, 8], mode: InterpolationMode.Nearest);
        var keep = 1 - regenerated;
        double keptPsnr = Psnr(decoded.cpu(), warp01, keep);
        var holes = (regenerated * 0.5f + warp.Hole * 0.5f).expand(1, 3, -1, -1);
        var magenta = tensor(new[] { 1f, 0f, 1f }).view(1, 3, 1, 1);
        var marked = warp01 * (1 - warp.Hole) + magenta * warp.Hole;
        double holeFraction = warp.HoleFraction, regeneratedFraction = regenerated.mean().item<float>();
        var s = plan.Sizing;
        var result = ImageTensors.FromTensor01(image);
        return new EditResult
        {
            Image = result,
            Summary = ImageStrip.Join([ImageTensors.FromTensorPm1(warp.Source), FlowColors.ToImage(warp.Flow), ImageTensors.FromTensor01(marked), result]),
            SummaryPanels = "input | target flow | forward warp, holes in magenta | result",
            Pictures = [(WarpedFile, ImageTensors.FromTensor01(warp01)), (HolesFile, ImageTensors.FromTensor01(holes))],
            Tensors = [("target_flow.pth", warp.Flow.unsqueeze(0).clone().DetachFromDisposeScope())],
            Metrics = new Dictionary<string, object?>
            {
                ["hole_fraction"] = holeFraction, ["regenerated_fraction"] = regeneratedFraction, ["latent_kept_psnr_db"] = keptPsnr,
                ["unet_evaluations"] = plan.Settings.Evaluations,
            },
            Record = new Dictionary<string, object?>
            {
                ["size"] = new Dictionary<string, object?> { ["input"] = $"{s.Width}x{s.Height}", ["run"] = $"{s.TargetWidth}x{s.TargetHeight}", ["resized"] = s.Resizes },
            },
            Work = $"{plan.Settings.Evaluations} UNet evaluations",
            Headline = $"filled the warp's holes: {holeFraction:P1} of the picture, {regeneratedFraction:P1} regenerated as latent cells; the latent kept the rest at {Db(keptPsnr)} to the warp",
        };
    }

    /// <summary>PSNR (dB, peak 1) of two (1,3,H,W) pictures over the pixels where <paramref name="where"/> (1,1,H,W) is 1; NaN over none, ∞ when equal.</summary>
    public static double Psnr(Tensor a, Tensor b, Tensor where)
    {
        using var scope = NewDisposeScope();
        double count = where.sum().item<float>() * 3;
        if (count == 0) return double.NaN;
        double sum = ((a - b).square() * where).sum().item<float>();
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(count / sum);
    }

    private static string Db(double psnr) => double.IsNaN(psnr) ? "nothing kept" : $"{psnr:0.0} dB";
}
