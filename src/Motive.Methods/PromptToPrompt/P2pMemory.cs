using Motive.Methods.Editing;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// What a Prompt-to-Prompt edit will need in memory, said before the run: the weights at the run's dtype, and either
/// one sampling pass over the batch of four (two prompts × two guidance branches; no graph, cross-attention and the
/// small levels' self-attention explicit, the rest fused) or, for a picture, null-text inversion's pass with a graph
/// (batch one, backward to the embedding). The per-cell rates are those GarMemory measured for a graph-keeping pass
/// (1.2 MiB per latent cell at width 320, float32) and a quarter of it per item without a graph.
/// </summary>
public static class P2pMemory
{
    private const double GraphMiBPerCellAt320Fp32 = 1.2, PassMiBPerCellPerItem = 0.3;

    public static double? EstimateMiB(ModelRef model, int runWidth, int runHeight, bool picture)
    {
        if (ModelSize.Of(model) is not { } size) return null;
        var (parameters, width, bytes) = size;
        double cells = runWidth / 8.0 * (runHeight / 8.0);
        double perCell = picture ? GraphMiBPerCellAt320Fp32 : 4 * PassMiBPerCellPerItem;
        return ModelSize.MiB(parameters, bytes) + perCell * width / 320.0 * bytes / 4.0 * cells;
    }
}
