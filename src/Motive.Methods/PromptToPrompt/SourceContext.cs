using static TorchSharp.torch;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// The edited prompt's embedding with the source's context (settings.edited_span, not in the reference). A causal text
/// encoder (CLIP's, the toy model's) carries each word into the embeddings of every later token, the end token and its
/// padding included, so swapping one word changes what every later word, and the end token, tell the picture: where
/// the model reads those tokens (the toy model puts most of its cross-attention on the end token and padding), the
/// swap reaches the whole picture whatever the attention maps. Here a token of the edited prompt reads the source's
/// embedding when it is the same token at the same place and no changed token lies within <c>span</c> places before it:
/// the changed words and the next <c>span</c> tokens (with span 1, "red square" of "a blue square …" → "a red
/// square …") keep the edited embedding, the rest of the prompt the source's.
/// </summary>
public static class SourceContext
{
    /// <summary>
    /// For each position of two padded token sequences of one length, whether the edited prompt reads the source's
    /// embedding there. The sequences must align place by place (a word swap whose words have as many tokens).
    /// </summary>
    public static bool[] Positions(IReadOnlyList<long> source, IReadOnlyList<long> target, int span)
    {
        if (source.Count != target.Count) throw new ArgumentException("the token sequences must have one length");
        if (span < 0) throw new ArgumentException($"edited_span must be 0 or more, got {span}");
        var fromSource = new bool[target.Count];
        int lastChanged = int.MinValue / 2;
        for (int j = 0; j < target.Count; j++)
        {
            if (source[j] != target[j]) { lastChanged = j; continue; }
            fromSource[j] = j - lastChanged > span;
        }
        return fromSource;
    }

    /// <summary>
    /// Whether the prompts' tokens align place by place: as many tokens before the padding, so that a word swap's
    /// changed words have as many tokens as the words they replace.
    /// </summary>
    public static bool Aligned(IReadOnlyList<long> source, IReadOnlyList<long> target, long endId) =>
        source.Count == target.Count && source.ToList().IndexOf(endId) == target.ToList().IndexOf(endId);

    /// <summary>The edited embedding (tokens, dim) with the rows <paramref name="fromSource"/> marks taken from <paramref name="source"/>.</summary>
    public static Tensor Apply(Tensor source, Tensor target, bool[] fromSource)
    {
        using var mask = tensor(fromSource, device: target.device).view(-1, 1);
        return where(mask, source, target);
    }
}
