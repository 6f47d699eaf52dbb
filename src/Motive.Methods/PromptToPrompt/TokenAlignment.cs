using Motive.Models.Clip;
using static TorchSharp.torch;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// How the edited prompt's tokens read the source prompt's cross-attention maps (seq_aligner.py, doc §3c–3d):
/// the replacement mapper for word swaps (same number of words) and the refinement mapper for added words.
/// </summary>
public static class TokenAlignment
{
    /// <summary>
    /// get_replacement_mapper_: [77, 77] with rows = source tokens, columns = target tokens. Differing words map their
    /// tokens pairwise (equal counts) or spread each source token over the target's (1/len each); tokens before the
    /// last differing word map one to one, and after it the mapper is the diagonal (the reference's M[j, j]).
    /// </summary>
    public static Tensor Replacement(ClipTokenizer tokenizer, string source, string target, int length = 77)
    {
        var x = source.Split(' ');
        var y = target.Split(' ');
        if (x.Length != y.Length)
            throw new ArgumentException($"a word swap needs prompts with the same number of words: \"{source}\" has {x.Length}, \"{target}\" has {y.Length}");
        var differing = Enumerable.Range(0, y.Length).Where(i => x[i] != y[i]).ToList();
        var from = differing.Select(i => WordTokens.At(tokenizer, source, i)).ToList();
        var to = differing.Select(i => WordTokens.At(tokenizer, target, i)).ToList();
        for (int k = 0; k < differing.Count; k++)
            if (from[k].Length == 0 || to[k].Length == 0)
                throw new ArgumentException($"the swapped word \"{x[differing[k]]}\" → \"{y[differing[k]]}\" has no tokens");
        var m = new float[length, length];
        int s = 0, t = 0, next = 0;
        while (s < length && t < length)
        {
            if (next < from.Count && from[next][0] == s)
            {
                var (a, b) = (from[next], to[next]);
                if (a.Length == b.Length)
                    for (int k = 0; k < a.Length; k++) m[a[k], b[k]] = 1;
                else
                    foreach (var col in b)
                        foreach (var row in a) m[row, col] = 1f / b.Length;
                next++;
                s += a.Length;
                t += b.Length;
            }
            else
            {
                if (next < from.Count) m[s, t] = 1;
                else m[t, t] = 1;
                s++;
                t++;
            }
        }
        return tensor(m);
    }

    /// <summary>
    /// get_refinement_mapper for one prompt pair: for each target token the source token it reads (−1: a new token) and
    /// alphas (1 where aligned, 0 for new tokens), both [77]; positions past the target's end read the same position.
    /// </summary>
    public static (long[] Mapper, float[] Alphas) Refinement(ClipTokenizer tokenizer, string source, string target, int length = 77)
    {
        var x = Encoded(tokenizer, source);
        var y = Encoded(tokenizer, target);
        var aligned = Align(x, y);
        var mapper = new long[length];
        var alphas = new float[length];
        for (int k = 0; k < length; k++)
        {
            mapper[k] = k < aligned.Length ? aligned[k] : k;
            alphas[k] = k < aligned.Length && aligned[k] == -1 ? 0 : 1;
        }
        return (mapper, alphas);
    }

    /// <summary>tokenizer.encode: start token, the prompt's tokens, end token; no padding.</summary>
    private static long[] Encoded(ClipTokenizer tokenizer, string prompt) =>
        [tokenizer.StartId, .. tokenizer.Tokenize(prompt).Select(i => (long)i), tokenizer.EndId];

    /// <summary>
    /// Needleman–Wunsch (gap 0, match +1, mismatch −1), traceback ties preferring left, then up, then diagonal
    /// (global_align + get_aligned_sequences): for each token of <paramref name="y"/>, its source index in
    /// <paramref name="x"/> or −1.
    /// </summary>
    public static long[] Align(IReadOnlyList<long> x, IReadOnlyList<long> y)
    {
        int n = x.Count, m = y.Count;
        var score = new int[n + 1, m + 1];
        var trace = new byte[n + 1, m + 1];
        for (int j = 1; j <= m; j++) trace[0, j] = 1;
        for (int i = 1; i <= n; i++) trace[i, 0] = 2;
        trace[0, 0] = 4;
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= m; j++)
            {
                int left = score[i, j - 1], up = score[i - 1, j], diag = score[i - 1, j - 1] + (x[i - 1] == y[j - 1] ? 1 : -1);
                int best = Math.Max(left, Math.Max(up, diag));
                score[i, j] = best;
                trace[i, j] = (byte)(best == left ? 1 : best == up ? 2 : 3);
            }
        var map = new List<long>();
        int a = n, b = m;
        while (a > 0 || b > 0)
        {
            switch (trace[a, b])
            {
                case 3: a--; b--; map.Add(a); break;
                case 1: b--; map.Add(-1); break;
                case 2: a--; break;
                default: a = b = 0; break;
            }
        }
        map.Reverse();
        return map.ToArray();
    }
}
