using Motive.Methods.Editing;

namespace Motive.Methods.WarpInpaint;

/// <summary>
/// What a warp-then-inpaint run will need in memory, said before the run: the weights at the run's dtype plus the
/// activations of one forward pass, since no gradient is taken: the UNet's (one branch per CFG branch) or the VAE's
/// (encoding the warp, decoding the result), whichever is larger, each about a quarter of the graph a backward would
/// keep. The per-cell graph sizes are classifier guidance's (<see cref="ClassifierGuidance.ClassifierGuidanceMemory"/>,
/// from Motion Guidance's measured 4.4 MiB a cell at SD 1.5's width 320 in float32): a UNet branch about 1.3 MiB, the
/// decoder about 1.6 MiB. They scale with the latent cells, the UNet's first width and the dtype.
/// </summary>
public static class WarpInpaintMemory
{
    private const double BranchPerCell = 1.3, DecoderPerCell = 1.6, ForwardShare = 0.25;

    public static double EstimateMiB(long parameters, long first, int bytes, int width, int height, WarpInpaintSettings settings)
    {
        double cells = width / 8.0 * (height / 8.0);
        double scale = first / 320.0 * bytes / 4.0;
        double branches = settings.Cfg > 1 ? 2 : 1;
        double forward = Math.Max(BranchPerCell * branches, DecoderPerCell) * ForwardShare * scale * cells;
        return ModelSize.MiB(parameters, bytes) + forward;
    }
}
