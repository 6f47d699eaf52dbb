using Motive.Models.Blocks;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// LocalBlend (doc §2e): after each step, every edited item keeps its own latent only where the blend words' summed
/// cross-attention (its own or the source's) is strong, and takes the source's latent elsewhere, so what the words do
/// not name stays exactly the source's. <paramref name="words"/> [B, 77] marks each prompt's blend-word tokens.
/// </summary>
/// <remarks>
/// The reference reshapes its chosen maps to a literal 16×16: the maps of SD-1.x at 512² whose side is a quarter of the
/// latent's (down_blocks.2's two and up_blocks.1's first three cross-attentions). Here the maps are chosen by that
/// geometry, down and up cross-attentions at a quarter of the latent side (<paramref name="divisor"/> 4), so that it
/// is the reference at 512² and stays right at every other size; a divisor of 2 or 1 reads a finer level.
/// Blending starts at step <paramref name="startStep"/> (predict.py: 0; the null-text notebook: int(0.2·N)).
/// </remarks>
public sealed class LocalBlend(Tensor words, double threshold, int startStep = 0, int divisor = 4) : IDisposable
{
    public double Threshold => threshold;

    /// <summary>The positions of the maps it reads on an <paramref name="h"/>×<paramref name="w"/> latent.</summary>
    public long Queries(long h, long w) => AttentionControl.LevelSide(h, divisor) * AttentionControl.LevelSide(w, divisor);

    /// <summary>The union masks [B, 1, h, w] (item 0's with each item's; row 0 is item 0's own) from the summed maps.</summary>
    public Tensor Mask(IReadOnlyList<(AttentionSite Site, Tensor Map)> summed, long h, long w)
    {
        long h4 = AttentionControl.LevelSide(h, divisor), w4 = AttentionControl.LevelSide(w, divisor);
        var chosen = summed.Where(s => s.Site.Place != "mid" && s.Site.Queries == h4 * w4).Select(s => s.Map).ToList();
        if (chosen.Count == 0) throw new InvalidOperationException($"LocalBlend found no cross-attention maps of {h4}×{w4} (1/{divisor} of the {h}×{w} latent's side)");
        long b = chosen[0].shape[0];
        var maps = cat(chosen.Select(m => m.reshape(b, -1, 1, h4, w4, m.shape[^1])).ToArray(), 1);   // [B, L·heads, 1, h4, w4, 77]
        using var alpha = words.to(maps.dtype, maps.device).reshape(b, 1, 1, 1, 1, words.shape[^1]);
        var m = (maps * alpha).sum(-1).mean([1L]);                                                  // [B, 1, h4, w4]
        m = F.max_pool2d(m, [3, 3], [1, 1], [1, 1]);
        m = F.interpolate(m, [h, w], mode: InterpolationMode.Nearest);
        m = m / m.amax([2, 3], keepdim: true);
        var mask = m.gt(threshold);
        return mask.narrow(0, 0, 1).logical_or(mask);
    }

    /// <summary>Blends <paramref name="latents"/> [B, 4, h, w] at step <paramref name="step"/>; the mask used, or null before the start.</summary>
    public (Tensor Latents, Tensor? Mask) Apply(Tensor latents, IReadOnlyList<(AttentionSite, Tensor)> summed, int step)
    {
        if (step < startStep) return (latents, null);
        var mask = Mask(summed, latents.shape[2], latents.shape[3]).to(latents.dtype);
        var source = latents.narrow(0, 0, 1);
        return (source + mask * (latents - source), mask);
    }

    public void Dispose() => words.Dispose();
}
