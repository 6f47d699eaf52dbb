using Motive.Methods.Editing;
using Motive.Models.Loading;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// What a guided step will need in memory, said before the run: the weights at the run's dtype, the UNet activations
/// of a pass that keeps a graph, and the blocks of rows the self-attention energy works in (no map is kept whole:
/// <see cref="RowwiseAttentionL2"/>, about six float32 tensors of 32 MiB).
/// The activations are scaled from `motive bench gar` (SD 1.5's UNet, random weights, CPU, ours_nonstyle_best,
/// 2026-12-03): 256² float32 peak 4,876 MiB = 153 before loading + 3,279 weights + 192 of blocks + 1.2 MiB per latent
/// cell (the estimate leaves out the 153: 4,700); 512² bf16 4,263 MiB (estimate 4,289); ours_style_best, whose
/// target pass keeps a graph too, 4,973 MiB at 256²: 0.1 MiB per cell more.
/// </summary>
public static class GarMemory
{
    private const double MiBPerCellAt320Fp32 = 1.2, TargetGraphMiBPerCell = 0.1, RowBlocksMiB = 192;

    /// <summary>The estimate in MiB, or null when the model's files cannot be sized without loading them.</summary>
    public static double? EstimateMiB(ModelRef model, int runWidth, int runHeight, GarConfig config)
    {
        if (ModelSize.Of(model) is not { } size) return null;
        var (parameters, width, bytes) = size;
        double cells = runWidth / 8.0 * (runHeight / 8.0);
        bool attention = config.Guiders.Any(g => g.UsesAttention);
        bool targetGraph = config.Guiders.Any(g => g.Name == GarGuider.FeaturesL2);
        double passes = (MiBPerCellAt320Fp32 + (targetGraph ? TargetGraphMiBPerCell : 0)) * width / 320.0 * bytes / 4.0 * cells;
        return ModelSize.MiB(parameters, bytes) + passes + (attention ? RowBlocksMiB : 0);
    }
}
