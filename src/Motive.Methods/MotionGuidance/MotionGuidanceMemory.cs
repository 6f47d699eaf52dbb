using Motive.Methods.Editing;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// What a Motion Guidance evaluation will need in memory, said before the run: the weights at the run's dtype plus
/// the graphs the gradient goes back through. One graph (the default) holds the UNet's for both CFG branches, the
/// decoder's and RAFT's at once, and with explicit attention the softmax probabilities of every self-attention layer
/// (2 images × 8 heads × N² per layer, about four copies for the backward); lean memory holds the largest part: a
/// branch's UNet graph, or the decoder's segment inputs with one segment's graph and RAFT's. The per-cell sizes are
/// what `motive bench mg` measured for SD 1.5 and RAFT-large (random weights, CPU, peak RSS less the weights and the
/// process's own 0.3 GiB, 2026-12-02; docs/performance.md): at 256² in float32 one graph 3,634 MiB, lean 1,616 MiB,
/// explicit attention 1,356 MiB more; at 512² in bf16 one graph 8,949 MiB and lean 3,839 MiB (RAFT stays float32,
/// fused attention's backward grows faster than the cells), which set the figures used. They scale with the latent cells, the UNet's first
/// width (SD 1.5: 320) and the dtype.
/// </summary>
public static class MotionGuidanceMemory
{
    private const double GraphPerCell = 4.4, LeanPerCell = 1.9, ProbabilityCopies = 4;
    private const int Heads = 8;

    /// <summary>The estimate for a model of <paramref name="parameters"/> weights (UNet, VAE, text encoder) whose UNet's first width is <paramref name="first"/>.</summary>
    public static double EstimateMiB(long parameters, long first, int bytes, int width, int height, MotionGuidanceSettings settings, bool? lean = null)
    {
        double cells = width / 8.0 * (height / 8.0);
        double scale = first / 320.0 * bytes / 4.0;
        double branches = settings.Cfg > 1 ? 2 : 1;
        double activations = lean ?? settings.LeanMemory
            ? LeanPerCell * scale * cells
            : GraphPerCell * scale * cells * (branches + 1) / 3 + (settings.ExplicitAttention ? ProbabilitiesMiB(cells, branches, bytes) : 0);
        return ModelSize.MiB(parameters, bytes) + activations;
    }

    /// <summary>The explicit path's saved softmax probabilities: SD 1.x's self-attention layers at 1, ¼ and 1/16 of the cells (5 each) and the mid block's.</summary>
    private static double ProbabilitiesMiB(double cells, double branches, int bytes)
    {
        double[] tokens = [cells, cells / 4, cells / 16];
        return ProbabilityCopies * (tokens.Sum(n => 5 * n * n) + cells / 64 * (cells / 64)) * Heads * branches * bytes / (1 << 20);
    }
}
