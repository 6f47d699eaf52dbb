using Motive.Models.Clip;
using static TorchSharp.torch;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// A request's controller: the edit (word swap, refinement, re-weighting on its own or over either), its schedules
/// and LocalBlend, for a run of N steps on an h×w latent. The self-attention maps replaced are those of the levels
/// the settings name (<see cref="P2pSettings.SelfReplaceLevels"/>; by default as the two references do).
/// </summary>
public static class P2pControls
{
    public static AttentionControl Build(ClipTokenizer tokenizer, string source, string target, P2pSettings s, int steps, long h, long w, bool picture)
    {
        string[] prompts = [source, target];
        var edit = s.Edit!;
        ICrossAttentionEdit? basis = edit switch      // P2pSettings.Check saw that a swap's prompts have as many words
        {
            "reweight" => null,
            "replace" => new WordSwap(TokenAlignment.Replacement(tokenizer, source, target).unsqueeze(0)),
            _ => Refined(tokenizer, source, target),
        };
        var weights = s.WordWeights();
        ICrossAttentionEdit cross = weights.Count > 0 ? new Reweighting(EditSchedules.Equalizer(tokenizer, target, weights), basis) : basis!;
        var alpha = EditSchedules.CrossReplaceAlpha(tokenizer, prompts, steps, s.CrossReplace!.Value, s.WordWindows());
        var self = EditSchedules.SelfReplaceSteps(steps, s.SelfReplace!.Value);
        int divisor = s.SelfReplaceDivisor(picture);
        long selfMax = AttentionControl.LevelSide(h, divisor) * AttentionControl.LevelSide(w, divisor);
        var blend = Blend(tokenizer, prompts, s, steps);
        // The store keeps what LocalBlend reads, also where that level is finer than the reference's 32².
        long store = Math.Max(AttentionControl.StoreMaxQueries, blend?.Queries(h, w) ?? 0);
        return new AttentionControl(2, cross, alpha, self, selfMax, blend, store);
    }

    private static Refinement Refined(ClipTokenizer tokenizer, string source, string target)
    {
        var (mapper, alphas) = TokenAlignment.Refinement(tokenizer, source, target);
        return new Refinement(tensor(mapper).unsqueeze(0), tensor(alphas).unsqueeze(0));
    }

    /// <summary>LocalBlend over the blend words (each looked up in both prompts), or null when none are given.</summary>
    public static LocalBlend? Blend(ClipTokenizer tokenizer, IReadOnlyList<string> prompts, P2pSettings s, int steps)
    {
        var words = (s.BlendWords ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return null;
        var layers = zeros(prompts.Count, 77);
        foreach (var word in words)
        {
            var found = prompts.Select(p => WordTokens.Of(tokenizer, p, word)).ToList();   // P2pSettings.Check saw the word in one
            for (int i = 0; i < prompts.Count; i++)
                foreach (var k in found[i]) layers[i, k] = 1;
        }
        return new LocalBlend(layers, s.BlendThreshold!.Value, (int)(s.BlendStart!.Value * steps), s.BlendDivisor);
    }

    /// <summary>The edited prompt's token positions to show the maps of: the changed, re-weighted and blend words.</summary>
    public static IReadOnlyList<(string Word, int Token)> ShownTokens(ClipTokenizer tokenizer, string source, string target, P2pSettings s)
    {
        var sourceWords = source.Split(' ').ToHashSet();
        var words = target.Split(' ').Where(w => !sourceWords.Contains(w))
            .Concat(s.WordWeights().Select(p => p.Word))
            .Concat((s.BlendWords ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct().ToList();
        return words.SelectMany(w => WordTokens.Of(tokenizer, target, w).Select(k => (w, k))).DistinctBy(p => p.k).ToList();
    }
}
