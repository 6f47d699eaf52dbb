using Motive.Methods.Editing;
using Motive.Models.Loading;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// What a guided step will need in memory, said before the run: the weights at the run's dtype, the UNet activations
/// of a pass that keeps a graph, and the self-attention probabilities the attention energies compare: for each read
/// layer of N tokens, heads·N² elements for the current map (kept for the backward), the inversion's map and the
/// softmax's gradient. The activations are scaled from `motive bench gar` (SD 1.5's UNet, random weights, CPU, float32,
/// 256², ours_nonstyle_best, 2026-12-02): peak 7,729 MiB = 152 before loading + 3,279 weights + 512 of maps by the
/// formula + 3.7 MiB per latent cell; ours_style_best, whose target pass keeps a graph too, 8,345 MiB: 0.6 MiB per cell
/// more. SD 1.x at 512² with all 16 layers adds its five 4096-token layers: about 7.5 GiB
/// of maps in float32 (not yet measured).
/// </summary>
public static class GarMemory
{
    private const int Heads = 8;
    private const double MiBPerCellAt320Fp32 = 3.7, TargetGraphMiBPerCell = 0.6;

    /// <summary>The estimate in MiB, or null when the model's files cannot be sized without loading them.</summary>
    public static double? EstimateMiB(ModelRef model, int runWidth, int runHeight, GarConfig config)
    {
        if (ModelSize.Of(model) is not { } size) return null;
        var (parameters, width, bytes) = size;
        double cells = runWidth / 8.0 * (runHeight / 8.0);
        bool attention = config.Guiders.Any(g => g.UsesAttention);
        bool targetGraph = config.Guiders.Any(g => g.Name == GarGuider.FeaturesL2);
        double passes = (MiBPerCellAt320Fp32 + (targetGraph ? TargetGraphMiBPerCell : 0)) * width / 320.0 * bytes / 4.0 * cells;
        double maps = attention ? Tokens(config, cells).Sum(n => 3.0 * Heads * n * n * bytes) / (1 << 20) : 0;
        return ModelSize.MiB(parameters, bytes) + passes + maps;
    }

    /// <summary>Tokens of each read self-attention layer: SD 1.x's down blocks 0–2 (2 each), mid (1), up blocks 1–3 (3 each), at 1, ¼, 1/16, 1/64 of the latent cells.</summary>
    private static IEnumerable<double> Tokens(GarConfig config, double cells)
    {
        double[] down = [cells, cells, cells / 4, cells / 4, cells / 16, cells / 16];
        double[] mid = [cells / 64];
        double[] up = [cells / 16, cells / 16, cells / 16, cells / 4, cells / 4, cells / 4, cells, cells, cells];
        IEnumerable<double> Take(double[] all, int[] r) => all.Skip(r[0]).Take(Math.Max(0, Math.Min(r[1], all.Length) - r[0]));
        var l = config.SelfAttentionLayers;
        return Take(down, l[0]).Concat(Take(mid, l[1])).Concat(Take(up, l[2]));
    }
}
