using Motive.Methods.PromptToPrompt;
using Motive.Models.Blocks;
using Motive.Models.Clip;
using Motive.Tests.Support;
using static TorchSharp.torch;

namespace Motive.Tests.Methods.PromptToPrompt;

/// <summary>Prompt-to-Prompt's pure parts on cases the shared recordings do not cover (doc §6's list).</summary>
[Trait(Tier.Category, Tier.Unit)]
public class P2pMathTests
{
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.FromFolder(Path.Combine(Fixtures.Parity("tiny-sd"), "tokenizer"));

    [Fact]
    public void WordTokens_CountDecodedCharacters_AndFindEveryTokenOfAWord()
    {
        const string prompt = "a photo of a cat on the grass";   // cat = c, at; grass = gra, s, s (fixtures' tokens_json)
        Assert.Equal([7, 8], WordTokens.Of(Tokenizer, prompt, "cat"));
        Assert.Equal([11, 12, 13], WordTokens.Of(Tokenizer, prompt, "grass"));
        Assert.Equal([1, 6], WordTokens.Of(Tokenizer, prompt, "a"));                        // a, ph, o, to, of, a
        Assert.Empty(WordTokens.Of(Tokenizer, prompt, "dog"));
        Assert.Empty(WordTokens.Of(Tokenizer, prompt + ".", "grass"));                      // "grass." is the word: the reference finds nothing
    }

    [Fact]
    public void ReplacementMapper_SpreadsAWordOfOtherLength_AndShiftsTheTail()
    {
        // cat (c, at: 2 tokens) → fluffy (f, l, u, ff, y: 5): each source token of "cat" sends 1/5 to each target token.
        var m = TokenAlignment.Replacement(Tokenizer, "a cat on grass", "a fluffy on grass");
        var cat = WordTokens.Of(Tokenizer, "a cat on grass", "cat");
        var fluffy = WordTokens.Of(Tokenizer, "a fluffy on grass", "fluffy");
        foreach (var s in cat)
            foreach (var t in fluffy) Assert.Equal(1f / fluffy.Length, m[s, t].item<float>(), 6);
        Assert.Equal(1f, m[1, 1].item<float>());                                            // "a" before the swap: one to one
        int after = fluffy[^1] + 1;
        Assert.Equal(1f, m[after, after].item<float>());                                    // after the last swap: the diagonal M[j, j]
        Assert.Throws<ArgumentException>(() => TokenAlignment.Replacement(Tokenizer, "a cat", "a big cat"));
    }

    [Fact]
    public void Alignment_MarksInsertedTokensNew_AndKeepsTheRestInOrder()
    {
        Assert.Equal([0L, 1, 2, 3], TokenAlignment.Align([10, 11, 12, 13], [10, 11, 12, 13]));
        Assert.Equal([0L, 1, -1, 2, 3], TokenAlignment.Align([10, 11, 13, 14], [10, 11, 12, 13, 14]));
        var (mapper, alphas) = TokenAlignment.Refinement(Tokenizer, "a cat", "a fluffy cat");
        int n = Tokenizer.Tokenize("a fluffy cat").Count + 2;
        Assert.Equal(n, mapper.Take(n).Count(i => i >= -1));
        Assert.Equal(5, alphas.Take(n).Count(a => a == 0));                                  // f, l, u, ff, y are new
        Assert.Equal(Enumerable.Range(n, 77 - n).Select(i => (long)i), mapper.Skip(n));     // padding reads its own position
    }

    [Fact]
    public void CrossReplaceAlpha_ScalesByRowsAndLetsAWordHaveItsOwnWindow()
    {
        string[] prompts = ["a cat on grass", "a dog on grass"];
        using var a = EditSchedules.CrossReplaceAlpha(Tokenizer, prompts, 50, 0.8, new Dictionary<string, StepWindow> { ["dog"] = new(0.2, 0.5) });
        Assert.Equal([51L, 1, 1, 1, 77], a.shape);
        Assert.Equal(1f, a[39, 0, 0, 0, 0].item<float>());                                 // int(0.8·51) = 40 rows
        Assert.Equal(0f, a[40, 0, 0, 0, 0].item<float>());
        int dog = WordTokens.Of(Tokenizer, prompts[1], "dog")[0];
        Assert.Equal(0f, a[9, 0, 0, 0, dog].item<float>());                                // int(0.2·51) = 10
        Assert.Equal(1f, a[10, 0, 0, 0, dog].item<float>());
        Assert.Equal(0f, a[25, 0, 0, 0, dog].item<float>());                               // int(0.5·51) = 25
        Assert.Equal((0, 20), EditSchedules.SelfReplaceSteps(50, 0.4));
    }

    [Fact]
    public void LocalBlend_ReadsTheMapsAtAQuarterOfTheLatent_AtAnySize()
    {
        // A 32×32 latent (256² picture): the 8×8 down and up cross-attention maps are the ones; a 16×16 map that lights
        // everything and a mid-block one must be left out. Item 1's word lights the 2×2 top-left cells.
        const int token = 5;
        var lit = zeros(2, 2, 64, 77);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 2; x++) lit[1, .., y * 8 + x, token] = 1;
        var everywhere = zeros(2, 2, 256, 77);
        everywhere[.., .., .., token] = 1;
        var summed = new List<(AttentionSite, Tensor)>
        {
            (new AttentionSite("down_blocks.1.attentions.0.transformer_blocks.0.attn2", true, 256), everywhere),
            (new AttentionSite("down_blocks.2.attentions.0.transformer_blocks.0.attn2", true, 64), lit),
            (new AttentionSite("mid_block.attentions.0.transformer_blocks.0.attn2", true, 64), everywhere[.., .., ..64]),
            (new AttentionSite("up_blocks.1.attentions.0.transformer_blocks.0.attn2", true, 64), lit),
        };
        var words = zeros(2, 77);
        words[.., token] = 1;
        using var blend = new LocalBlend(words, 0.5);
        var mask = blend.Mask(summed, 32, 32);
        Assert.Equal([2L, 1, 32, 32], mask.shape);
        var expected = zeros(32, 32, dtype: ScalarType.Bool);
        expected[..12, ..12] = true;                                                        // 2×2 cells, max-pooled to 3×3, ×4 nearest
        Assert.True(mask[1, 0].eq(expected).all().item<bool>());
        var latents = stack([zeros(4, 32, 32), ones(4, 32, 32)], 0);
        var (blended, _) = blend.Apply(latents, summed, 0);
        Assert.Equal(1f, blended[1, 0, 0, 0].item<float>());                               // inside: the edit's own latent
        Assert.Equal(0f, blended[1, 0, 20, 20].item<float>());                             // outside: the source's
    }
}
