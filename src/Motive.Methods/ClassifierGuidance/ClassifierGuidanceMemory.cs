using Motive.Methods.Editing;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>
/// What a classifier-guided evaluation will need in memory, said before the run: the weights at the run's dtype plus
/// the graph the gradient goes back through, which holds the UNet's (one branch per CFG branch), the decoder's and
/// the classifier's at once. Per latent cell at SD 1.5's width 320 in float32: a UNet branch's graph about 1.3 MiB
/// and the decoder's about 1.6 MiB (Motion Guidance's measured 4.4 MiB for two branches, the decoder and RAFT,
/// docs/performance.md, less RAFT); lean memory holds the largest part, a branch's UNet graph or a decoder segment's
/// with the segment inputs, about 1.3 MiB; the classifier's is small (its widths are 8–32 at ½–⅛ of the picture). They
/// scale with the latent cells, the UNet's first width and the dtype.
/// </summary>
public static class ClassifierGuidanceMemory
{
    private const double BranchPerCell = 1.3, DecoderPerCell = 1.6, LeanPerCell = 1.3;

    public static double EstimateMiB(long parameters, long first, int bytes, int size, ClassifierGuidanceSettings settings)
    {
        double cells = size / 8.0 * (size / 8.0);
        double scale = first / 320.0 * bytes / 4.0;
        double branches = settings.Cfg > 1 ? 2 : 1;
        // Without guidance no gradient is taken: the forward's activations only (a quarter of a graph, roughly).
        double graph = settings.Scale <= 0 ? BranchPerCell * branches * scale * cells / 4
            : settings.LeanMemory ? LeanPerCell * scale * cells
            : (BranchPerCell * branches + DecoderPerCell) * scale * cells;
        return ModelSize.MiB(parameters, bytes) + graph;
    }
}
