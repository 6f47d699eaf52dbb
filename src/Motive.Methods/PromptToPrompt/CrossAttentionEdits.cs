using static TorchSharp.torch;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// How the edited prompts' cross-attention is made from the source prompt's (replace_cross_attention of
/// AttentionReplace / AttentionRefine / AttentionReweight, doc §2d). <c>source</c> is item 0's probabilities
/// [heads, P, 77], <c>edited</c> the edited items' own [B−1, heads, P, 77]; the result is [B−1, heads, P, 77].
/// </summary>
public interface ICrossAttentionEdit
{
    Tensor Apply(Tensor source, Tensor edited);
}

/// <summary>A word swap: each edited token reads the source tokens the mapper [B−1, 77, 77] sends to it.</summary>
public sealed class WordSwap(Tensor mapper) : ICrossAttentionEdit
{
    public Tensor Apply(Tensor source, Tensor edited)
    {
        using var m = mapper.to(source.dtype, source.device);
        return matmul(source.unsqueeze(0), m.unsqueeze(1));   // einsum("hpw,bwn->bhpn")
    }
}

/// <summary>
/// Added words: each edited token reads its aligned source token (mapper [B−1, 77]); new tokens (alpha 0) keep their
/// own map. The reference's −1 for "new" indexes the last token, which alpha 0 cancels; here it does the same.
/// </summary>
public sealed class Refinement(Tensor mapper, Tensor alphas) : ICrossAttentionEdit
{
    public Tensor Apply(Tensor source, Tensor edited)
    {
        long tokens = source.shape[^1];
        using var index = mapper.remainder(tokens).to(int64, source.device);            // −1 → 76, as Python indexes
        using var a = alphas.to(source.dtype, source.device).reshape(alphas.shape[0], 1, 1, tokens);
        var gathered = source.index_select(-1, index.flatten()).reshape(source.shape[0], source.shape[1], mapper.shape[0], tokens).permute(2, 0, 1, 3);
        return gathered * a + edited * (1 - a);
    }
}

/// <summary>
/// Re-weighting: the source's maps (after a previous edit, when one is given) times a per-token weight [1, 77]; rows
/// are not renormalised, as in the reference.
/// </summary>
public sealed class Reweighting(Tensor equalizer, ICrossAttentionEdit? previous = null) : ICrossAttentionEdit
{
    public Tensor Apply(Tensor source, Tensor edited)
    {
        var basis = previous?.Apply(source, edited) ?? source.unsqueeze(0);
        using var eq = equalizer.to(source.dtype, source.device).reshape(1, 1, 1, equalizer.shape[^1]);
        return (basis * eq).expand_as(edited);
    }
}
