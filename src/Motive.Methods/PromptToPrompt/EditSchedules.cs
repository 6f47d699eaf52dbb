using Motive.Models.Clip;
using static TorchSharp.torch;

namespace Motive.Methods.PromptToPrompt;

/// <summary>A part of the sampling steps as fractions of the run, e.g. (0, 0.8): from the start to 80 % of it.</summary>
public readonly record struct StepWindow(double Start, double End)
{
    public static implicit operator StepWindow(double end) => new(0, end);

    public override string ToString() => Start == 0 ? End.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : $"{Start:0.###}-{End:0.###}";
}

/// <summary>
/// When and where an edit acts (ptp_utils.get_time_words_attention_alpha, AttentionControlEdit's num_self_replace and
/// get_equalizer; doc §3b, §2c, §3e). The reference truncates every bound in double precision, and scales the
/// cross-attention bounds by the number of rows, N + 1, but the self-attention bounds by N.
/// </summary>
public static class EditSchedules
{
    /// <summary>
    /// [N+1, B−1, 1, 1, 77]: 1 where the edited prompt b takes the source's cross-attention at step row r. The default
    /// window fills every token; a word's own window (looked up in the edited prompts) overrides its tokens.
    /// </summary>
    public static Tensor CrossReplaceAlpha(ClipTokenizer tokenizer, IReadOnlyList<string> prompts, int steps, StepWindow all,
        IReadOnlyDictionary<string, StepWindow>? words = null, int length = 77)
    {
        int rows = steps + 1, edited = prompts.Count - 1;
        var alpha = new float[rows, edited, length];
        void Fill(int b, StepWindow w, IEnumerable<int> tokens)
        {
            int start = (int)(w.Start * rows), end = (int)(w.End * rows);
            foreach (var k in tokens)
                for (int r = 0; r < rows; r++) alpha[r, b, k] = r >= start && r < end ? 1 : 0;
        }
        for (int b = 0; b < edited; b++) Fill(b, all, Enumerable.Range(0, length));
        foreach (var (word, window) in words ?? new Dictionary<string, StepWindow>())
            for (int b = 0; b < edited; b++) Fill(b, window, WordTokens.Of(tokenizer, prompts[b + 1], word));
        return tensor(alpha).reshape(rows, edited, 1, 1, length);
    }

    /// <summary>The steps [start, end) whose self-attention the edited prompts take from the source: (int(N·s0), int(N·s1)).</summary>
    public static (int Start, int End) SelfReplaceSteps(int steps, StepWindow window) => ((int)(steps * window.Start), (int)(steps * window.End));

    /// <summary>[1, 77] ones, with each word's tokens (in <paramref name="prompt"/>) set to its weight.</summary>
    public static Tensor Equalizer(ClipTokenizer tokenizer, string prompt, IReadOnlyList<(string Word, double Weight)> weights, int length = 77)
    {
        var eq = Enumerable.Repeat(1f, length).ToArray();
        foreach (var (word, weight) in weights)
            foreach (var k in WordTokens.Of(tokenizer, prompt, word)) eq[k] = (float)weight;
        return tensor(eq).unsqueeze(0);
    }
}
