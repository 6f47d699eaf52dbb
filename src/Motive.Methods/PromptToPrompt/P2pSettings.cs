using System.Globalization;
using Motive.Methods.Editing;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// A Prompt-to-Prompt request's settings as JSON, each optional: what a request leaves out comes from the model's
/// preset (motive.json, "prompt-to-prompt"), then from the reference (<see cref="Reference"/>: predict.py's and the
/// null-text notebook's values, 50 DDIM steps at CFG 7.5).
/// </summary>
public sealed record P2pSettings
{
    /// <summary>replace (a word swap: same number of words) | refine (words added) | reweight (words' weights only); null: replace when the prompts have as many words, else refine.</summary>
    public string? Edit { get; init; }
    /// <summary>For how much of the run (from the start) the edited prompt takes the source's cross-attention.</summary>
    public double? CrossReplace { get; init; }
    /// <summary>Per-word windows over that, "word:end" or "word:start-end" (fractions), comma-separated, e.g. "dog:0.2-0.6".</summary>
    public string? CrossReplaceWords { get; init; }
    /// <summary>For how much of the run the edited prompt takes the source's self-attention (the layout).</summary>
    public double? SelfReplace { get; init; }
    /// <summary>
    /// Which levels' self-attention is replaced: those at a quarter of the latent side and coarser (predict.py's ≤ 16² at
    /// 512²), half and coarser (the null-text notebook's ≤ 32²) or all; null: quarter for a generated source, half for a picture.
    /// </summary>
    public string? SelfReplaceLevels { get; init; }
    /// <summary>Words of the edited prompt and their weights, "word:weight" comma-separated, e.g. "fluffy:4" (reweight, alone or on top of the edit).</summary>
    public string? Reweight { get; init; }
    /// <summary>LocalBlend's words, space-separated, looked up in both prompts: only where they are may the picture change.</summary>
    public string? BlendWords { get; init; }
    /// <summary>
    /// Which level's cross-attention LocalBlend reads: the one at a quarter of the latent side (the reference's 16² at
    /// 512²), half, or the latent's own (sharper masks where a model's fine maps are localised, as the toy model's).
    /// </summary>
    public string? BlendLevel { get; init; }
    /// <summary>LocalBlend's threshold on the normalised word maps.</summary>
    public double? BlendThreshold { get; init; }
    /// <summary>From which fraction of the run LocalBlend acts (predict.py 0; the null-text notebook 0.2).</summary>
    public double? BlendStart { get; init; }
    public int? Steps { get; init; }
    public double? Cfg { get; init; }
    /// <summary>The width the edit runs at (height by the aspect; sides to multiples of 8); null = the model's native size.</summary>
    public int? Width { get; init; }
    /// <summary>Null-text inversion's Adam iterations per step (a picture only).</summary>
    public int? InnerSteps { get; init; }
    /// <summary>Null-text inversion's early stop on the loss (a picture only).</summary>
    public double? EarlyStop { get; init; }

    public static P2pSettings Reference { get; } = new()
    {
        CrossReplace = 0.8, SelfReplace = 0.4, BlendLevel = "quarter", BlendThreshold = 0.3, BlendStart = 0, Steps = 50, Cfg = 7.5, InnerSteps = 10, EarlyStop = 1e-5,
    };

    public static readonly IReadOnlyList<string> Edits = ["replace", "refine", "reweight"];
    public static readonly IReadOnlyList<string> Levels = ["quarter", "half", "all"];
    public static readonly IReadOnlyList<string> BlendLevels = ["quarter", "half", "latent"];

    /// <summary>The latent side's divisor of the finest level whose self-attention is replaced.</summary>
    public int SelfReplaceDivisor(bool picture) => (SelfReplaceLevels ?? (picture ? "half" : "quarter")) switch { "quarter" => 4, "half" => 2, _ => 1 };

    /// <summary>The latent side's divisor of the level LocalBlend reads.</summary>
    public int BlendDivisor => (BlendLevel ?? "quarter") switch { "quarter" => 4, "half" => 2, _ => 1 };

    /// <summary>Checks a resolved set; the edit kind for the prompts.</summary>
    public string Check(string source, string target)
    {
        if (Steps is < 1 or > 1000) throw new ArgumentException($"steps must be between 1 and 1000, got {Steps}");
        if (Width is < 16 or > EditLimits.MaxSide) throw new ArgumentException($"width must be between 16 and {EditLimits.MaxSide}, got {Width}");
        foreach (var (name, v) in new[] { ("cross_replace", CrossReplace), ("self_replace", SelfReplace), ("blend_start", BlendStart), ("blend_threshold", BlendThreshold) })
            if (v is { } x && (!double.IsFinite(x) || x < 0 || x > 1)) throw new ArgumentException($"{name} is a fraction of the run: 0 to 1, got {x}");
        if (Cfg is { } c && (!double.IsFinite(c) || c < 1)) throw new ArgumentException($"cfg must be a finite number ≥ 1, got {c}");
        if (InnerSteps is < 0 or > 1000) throw new ArgumentException($"inner_steps must be between 0 and 1000, got {InnerSteps}");
        WordWindows();
        var weights = WordWeights();
        bool sameWords = source.Split(' ').Length == target.Split(' ').Length;
        var edit = Edit ?? (weights.Count > 0 && source == target ? "reweight" : sameWords ? "replace" : "refine");
        if (SelfReplaceLevels is { } l && !Levels.Contains(l)) throw new ArgumentException($"self_replace_levels must be one of {string.Join(", ", Levels)}, not '{l}'");
        if (BlendLevel is { } bl && !BlendLevels.Contains(bl)) throw new ArgumentException($"blend_level must be one of {string.Join(", ", BlendLevels)}, not '{bl}'");
        if (!Edits.Contains(edit)) throw new ArgumentException($"edit must be one of {string.Join(", ", Edits)}, not '{edit}'");
        if (edit == "replace" && !sameWords)
            throw new ArgumentException($"a word swap (replace) needs prompts with as many words; \"{source}\" and \"{target}\" differ: use refine");
        // Words are found as whole words of the prompts split at spaces (get_word_inds), so they can be checked here.
        var sourceWords = source.Split(' ');
        var targetWords = target.Split(' ');
        foreach (var word in (BlendWords ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (!sourceWords.Contains(word) && !targetWords.Contains(word)) throw new ArgumentException($"blend_words: neither prompt has the word \"{word}\"");
        foreach (var (word, _) in weights)
            if (!targetWords.Contains(word)) throw new ArgumentException($"reweight: the target prompt has no word \"{word}\"");
        foreach (var word in WordWindows().Keys)
            if (!targetWords.Contains(word)) throw new ArgumentException($"cross_replace_words: the target prompt has no word \"{word}\"");
        if (edit == "reweight" && weights.Count == 0) throw new ArgumentException("reweight needs words and weights: reweight \"word:weight\", e.g. \"fluffy:4\"");
        return edit;
    }

    /// <summary><see cref="CrossReplaceWords"/> parsed: word → window.</summary>
    public IReadOnlyDictionary<string, StepWindow> WordWindows() => Pairs(CrossReplaceWords, "cross_replace_words", "word:end or word:start-end", v =>
    {
        var ends = v.Split('-');
        double Parse(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= 0 and <= 1
            ? d : throw new FormatException();
        return ends.Length switch { 1 => new StepWindow(0, Parse(ends[0])), 2 => new StepWindow(Parse(ends[0]), Parse(ends[1])), _ => throw new FormatException() };
    });

    /// <summary><see cref="Reweight"/> parsed: (word, weight) in order.</summary>
    public IReadOnlyList<(string Word, double Weight)> WordWeights() => Pairs(Reweight, "reweight", "word:weight", v =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : throw new FormatException())
        .Select(p => (p.Key, p.Value)).ToList();

    private static Dictionary<string, T> Pairs<T>(string? text, string name, string form, Func<string, T> parse)
    {
        var pairs = new Dictionary<string, T>();
        if (string.IsNullOrWhiteSpace(text)) return pairs;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split(':');
            try
            {
                if (kv.Length != 2 || kv[0].Length == 0) throw new FormatException();
                pairs[kv[0]] = parse(kv[1]);
            }
            catch (FormatException)
            {
                throw new ArgumentException($"{name}: '{part}' is not {form}");
            }
        }
        return pairs;
    }

    public static string Format(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
