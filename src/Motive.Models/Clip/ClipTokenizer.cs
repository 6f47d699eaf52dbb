using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Motive.IO;

namespace Motive.Models.Clip;

/// <summary>
/// CLIP's byte-level BPE tokenizer, as the reference's (tokenizers' CLIPTokenizerFast) runs it:
/// NFC, whitespace runs → one space, lower case; split by CLIP's pattern, then GPT-2's byte-level pattern;
/// bytes mapped to printable characters; BPE with "&lt;/w&gt;" on each word's last symbol;
/// &lt;|startoftext|&gt; … &lt;|endoftext|&gt;, truncated and padded with the end token to 77.
/// </summary>
public sealed partial class ClipTokenizer
{
    public const string StartToken = "<|startoftext|>", EndToken = "<|endoftext|>";

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly Dictionary<string, string[]> _cache = new();
    private static readonly string[] ByteToChar = BuildByteMap();

    public ClipTokenizer(Dictionary<string, int> vocab, IEnumerable<(string, string)> merges, int maxLength = 77)
    {
        _vocab = vocab;
        _ranks = new Dictionary<(string, string), int>();
        foreach (var m in merges) _ranks.TryAdd(m, _ranks.Count);
        MaxLength = maxLength;
        StartId = vocab.TryGetValue(StartToken, out var s) ? s : throw new ArgumentException($"vocabulary has no {StartToken}");
        EndId = vocab.TryGetValue(EndToken, out var e) ? e : throw new ArgumentException($"vocabulary has no {EndToken}");
    }

    public int MaxLength { get; }
    public int StartId { get; }
    public int EndId { get; }

    /// <summary>
    /// Loads vocab.json and merges.txt from a tokenizer folder, or, when the two are absent (folders saved by recent
    /// transformers versions), the BPE model inside tokenizer.json: the same vocabulary and merges, so the same ids.
    /// </summary>
    public static ClipTokenizer FromFolder(string dir)
    {
        var vocabPath = Path.Combine(dir, "vocab.json");
        var mergesPath = Path.Combine(dir, "merges.txt");
        var fastPath = Path.Combine(dir, "tokenizer.json");
        Dictionary<string, int> vocab;
        List<(string, string)> merges;
        string source;
        if (!File.Exists(vocabPath) && !File.Exists(mergesPath) && File.Exists(fastPath))
        {
            (vocab, merges) = ReadFast(fastPath);
            source = fastPath;
        }
        else
        {
            if (!File.Exists(vocabPath)) throw new MotiveFormatException(dir, "tokenizer folder has no vocab.json (nor a tokenizer.json alone)");
            if (!File.Exists(mergesPath)) throw new MotiveFormatException(dir, "tokenizer folder has no merges.txt");
            try { vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(vocabPath)) ?? throw new JsonException("empty"); }
            catch (JsonException e) { throw new MotiveFormatException(vocabPath, $"not a JSON token → id map ({e.Message.Split('\n')[0]})"); }
            merges = File.ReadLines(mergesPath)
                .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
                .Select(l => l.Split(' '))
                .Select(p => p.Length == 2 ? (p[0], p[1]) : throw new MotiveFormatException(mergesPath, $"malformed merge line '{string.Join(' ', p)}'"))
                .ToList();
            source = vocabPath;
        }
        long max = 77;
        var cfg = Path.Combine(dir, "tokenizer_config.json");
        if (File.Exists(cfg)) max = Blocks.JsonConfig.Load(cfg).Long("model_max_length", 77);
        try { return new ClipTokenizer(vocab, merges, (int)Math.Min(max, 77)); }
        catch (ArgumentException e) { throw new MotiveFormatException(source, e.Message); }
    }

    /// <summary>
    /// The BPE model of a tokenizers-library tokenizer.json: model.vocab (token → id), model.merges (as "a b" strings
    /// or, in newer files, ["a", "b"] pairs) and the added tokens (the start and end tokens, when the vocabulary lacks them).
    /// </summary>
    private static (Dictionary<string, int>, List<(string, string)>) ReadFast(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("model", out var model) || model.GetProperty("type").GetString() != "BPE")
                throw new MotiveFormatException(path, "is not a BPE tokenizer (model.type must be \"BPE\")");
            var vocab = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
            var merges = model.GetProperty("merges").EnumerateArray().Select(m => m.ValueKind == JsonValueKind.Array
                ? (m[0].GetString()!, m[1].GetString()!)
                : m.GetString()!.Split(' ') is [var a, var b] ? (a, b) : throw new MotiveFormatException(path, $"malformed merge '{m.GetString()}'")).ToList();
            if (doc.RootElement.TryGetProperty("added_tokens", out var added))
                foreach (var t in added.EnumerateArray()) vocab.TryAdd(t.GetProperty("content").GetString()!, t.GetProperty("id").GetInt32());
            return (vocab, merges);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new MotiveFormatException(path, $"not a tokenizers-library tokenizer.json ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>Token ids, start and end tokens included, truncated and padded with the end token to <see cref="MaxLength"/>.</summary>
    public long[] Encode(string text)
    {
        var ids = new List<long> { StartId };
        ids.AddRange(Tokenize(text).Take(MaxLength - 2).Select(i => (long)i));
        ids.Add(EndId);
        while (ids.Count < MaxLength) ids.Add(EndId);
        return ids.ToArray();
    }

    /// <summary>The ids of the text alone (no start/end tokens, no truncation).</summary>
    public List<int> Tokenize(string text)
    {
        var ids = new List<int>();
        // Special tokens are matched in the raw text, before normalisation.
        foreach (var part in SpecialPattern().Split(text))
        {
            if (part is StartToken or EndToken) { ids.Add(_vocab[part]); continue; }
            var norm = WhitespacePattern().Replace(part.Normalize(NormalizationForm.FormC), " ").ToLowerInvariant();
            foreach (Match clip in ClipPattern().Matches(norm))
                foreach (Match piece in ByteLevelPattern().Matches(clip.Value))
                {
                    var word = string.Concat(Encoding.UTF8.GetBytes(piece.Value).Select(b => ByteToChar[b]));
                    foreach (var sym in Bpe(word)) ids.Add(_vocab.TryGetValue(sym, out var id) ? id : EndId);
                }
        }
        return ids;
    }

    private string[] Bpe(string word)
    {
        if (_cache.TryGetValue(word, out var cached)) return cached;
        // One symbol per character (byte-level characters are all single UTF-16 units); the last ends the word.
        var symbols = word.Select((c, i) => i == word.Length - 1 ? c + "</w>" : c.ToString()).ToList();
        while (symbols.Count > 1)
        {
            int best = int.MaxValue;
            (string, string) pair = default;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out var r) && r < best) { best = r; pair = (symbols[i], symbols[i + 1]); }
            if (best == int.MaxValue) break;
            var merged = new List<string>(symbols.Count);
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && symbols[i] == pair.Item1 && symbols[i + 1] == pair.Item2) { merged.Add(pair.Item1 + pair.Item2); i++; }
                else merged.Add(symbols[i]);
            }
            symbols = merged;
        }
        var result = symbols.ToArray();
        if (_cache.Count < 10_000) _cache[word] = result;
        return result;
    }

    /// <summary>
    /// One token's text as CLIP's decode gives it: the byte characters back to UTF-8 (a broken sequence becomes U+FFFD),
    /// the word-end mark "&lt;/w&gt;" a space, then trimmed (Prompt-to-Prompt locates words by these texts' lengths).
    /// </summary>
    public string Decode(long id)
    {
        _byId ??= _vocab.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key);
        if (!_byId.TryGetValue((int)id, out var token)) throw new ArgumentException($"token id {id} is not in the vocabulary");
        var bytes = token.Replace("</w>", "").Select(c => ByteFromChar.TryGetValue(c, out var b) ? b : (byte)'?').ToArray();
        return Encoding.UTF8.GetString(bytes).Trim();
    }

    private Dictionary<int, string>? _byId;
    private static readonly Dictionary<char, byte> ByteFromChar = Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b][0], b => (byte)b);

    /// <summary>The 256 byte characters in the order CLIP's vocabulary lists them (printable bytes first), the start of any CLIP vocabulary.</summary>
    public static IReadOnlyList<string> ByteAlphabet =>
        // Printable bytes stand for themselves (chars below 256), the others were moved to 256 and up; each group in byte order.
        ByteToChar.Where(c => c[0] < 256).Concat(ByteToChar.Where(c => c[0] >= 256)).ToList();

    /// <summary>GPT-2's map from bytes to printable characters.</summary>
    private static string[] BuildByteMap()
    {
        var bs = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        var map = new string[256];
        foreach (var b in bs) map[b] = ((char)b).ToString();
        int n = 0;
        for (int b = 0; b < 256; b++) if (map[b] is null) map[b] = ((char)(256 + n++)).ToString();
        return map;
    }

    [GeneratedRegex(@"(<\|startoftext\|>|<\|endoftext\|>)")]
    private static partial Regex SpecialPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+")]
    private static partial Regex ClipPattern();

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex ByteLevelPattern();
}
