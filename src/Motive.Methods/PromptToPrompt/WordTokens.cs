using Motive.Models.Clip;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// Where a prompt's words sit among its token positions (ptp_utils.get_word_inds, doc §3a): the prompt is split at
/// single spaces, each token's decoded text is counted off against the words' lengths, and every token of a selected
/// word is returned as its position in the encoded prompt (1 = the first token after the start token).
/// </summary>
public static class WordTokens
{
    /// <summary>The token positions of every occurrence of <paramref name="word"/> (an exact word of the split prompt).</summary>
    public static int[] Of(ClipTokenizer tokenizer, string prompt, string word)
    {
        var words = prompt.Split(' ');
        return Positions(words, Pieces(tokenizer, prompt), Enumerable.Range(0, words.Length).Where(i => words[i] == word).ToHashSet());
    }

    /// <summary>The token positions of the word at index <paramref name="wordIndex"/> of the split prompt.</summary>
    public static int[] At(ClipTokenizer tokenizer, string prompt, int wordIndex) =>
        Positions(prompt.Split(' '), Pieces(tokenizer, prompt), new HashSet<int> { wordIndex });

    /// <summary>Each token's decoded text, start and end tokens left out (what the walk counts).</summary>
    public static List<string> Pieces(ClipTokenizer tokenizer, string prompt) =>
        tokenizer.Tokenize(prompt).Select(id => tokenizer.Decode(id).Trim('#')).ToList();

    /// <summary>
    /// The walk itself: characters of pieces add up until they cover the current word, and the pieces met while a
    /// selected word is current are its tokens. Lengths count Unicode code points, as Python's len does.
    /// </summary>
    public static int[] Positions(IReadOnlyList<string> words, IReadOnlyList<string> pieces, IReadOnlySet<int> selected)
    {
        var found = new List<int>();
        if (selected.Count == 0) return [];
        int length = 0, word = 0;
        for (int i = 0; i < pieces.Count && word < words.Count; i++)
        {
            length += pieces[i].EnumerateRunes().Count();
            if (selected.Contains(word)) found.Add(i + 1);
            if (length >= words[word].EnumerateRunes().Count())
            {
                word++;
                length = 0;
            }
        }
        return found.ToArray();
    }
}
