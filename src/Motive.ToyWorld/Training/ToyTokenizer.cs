using Motive.IO.Json;
using System.Text.Json;
using Motive.Models.Clip;

namespace Motive.ToyWorld.Training;

/// <summary>
/// A CLIP BPE vocabulary just big enough for the toy world: CLIP's 256 byte characters (alone and word-final, so any
/// text still tokenizes), merges that make every caption word one token, and the start / end tokens — in the
/// vocab.json + merges.txt layout of a diffusers tokenizer folder.
/// </summary>
public static class ToyTokenizer
{
    public static (Dictionary<string, int> Vocab, List<(string, string)> Merges) Build(IEnumerable<string> words)
    {
        var alphabet = ClipTokenizer.ByteAlphabet;
        var pieces = alphabet.Concat(alphabet.Select(c => c + "</w>")).ToList();
        var merges = new List<(string, string)>();
        var vocab = Index(pieces.Append(ClipTokenizer.StartToken).Append(ClipTokenizer.EndToken));
        foreach (var word in words)
        {
            // Merge the first two pieces of the current segmentation until the word is one piece. A new merge ranks
            // after all earlier ones, so it never changes how an earlier word splits (that word always had a lower
            // merge to apply until it was whole).
            while (true)
            {
                var tokenizer = new ClipTokenizer(vocab, merges);
                var names = vocab.ToDictionary(kv => kv.Value, kv => kv.Key);
                var ids = tokenizer.Tokenize(word);
                if (ids.Count <= 1) break;
                var (a, b) = (names[ids[0]], names[ids[1]]);
                merges.Add((a, b));
                pieces.Add(a + b);
                vocab = Index(pieces.Append(ClipTokenizer.StartToken).Append(ClipTokenizer.EndToken));
            }
        }
        return (vocab, merges);
    }

    /// <summary>Writes vocab.json, merges.txt and tokenizer_config.json into <paramref name="dir"/>.</summary>
    public static int Write(string dir, IEnumerable<string> words)
    {
        var (vocab, merges) = Build(words);
        Directory.CreateDirectory(dir);
        MotiveJson.Write(Path.Combine(dir, "vocab.json"), vocab);
        File.WriteAllLines(Path.Combine(dir, "merges.txt"), merges.Select(m => $"{m.Item1} {m.Item2}").Prepend("#version: 0.2"));
        MotiveJson.Write(Path.Combine(dir, "tokenizer_config.json"), new Dictionary<string, object>
        {
            ["tokenizer_class"] = "CLIPTokenizer", ["model_max_length"] = 77, ["bos_token"] = ClipTokenizer.StartToken,
            ["eos_token"] = ClipTokenizer.EndToken, ["pad_token"] = ClipTokenizer.EndToken, ["unk_token"] = ClipTokenizer.EndToken,
        });
        return vocab.Count;
    }

    private static Dictionary<string, int> Index(IEnumerable<string> pieces)
    {
        var d = new Dictionary<string, int>();
        foreach (var p in pieces) d.TryAdd(p, d.Count);
        return d;
    }
}
