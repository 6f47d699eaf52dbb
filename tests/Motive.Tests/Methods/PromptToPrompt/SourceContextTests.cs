using Motive.Methods.PromptToPrompt;
using Motive.Models.Clip;
using Motive.Tests.Support;
using static TorchSharp.torch;

namespace Motive.Tests.Methods.PromptToPrompt;

/// <summary>settings.edited_span: which tokens of a word swap read the source's embedding, and the settings' checks.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class SourceContextTests
{
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.FromFolder(Path.Combine(Fixtures.Parity("tiny-sd"), "tokenizer"));

    [Fact]
    public void Positions_KeepTheChangedTokensAndTheSpanAfter_TheRestReadsTheSource()
    {
        //               start a   blue red  sq  and  a   end  pad
        long[] source = [49406, 1, 20, 30, 40, 1, 49407, 49407];
        long[] target = [49406, 1, 21, 30, 40, 1, 49407, 49407];
        Assert.Equal([true, true, false, true, true, true, true, true], SourceContext.Positions(source, target, 0));
        Assert.Equal([true, true, false, false, true, true, true, true], SourceContext.Positions(source, target, 1));
        Assert.Equal([true, true, false, false, false, false, false, true], SourceContext.Positions(source, target, 4));
        // Two swaps: each changed token opens its own span.
        long[] both = [49406, 1, 21, 30, 41, 1, 49407, 49407];
        Assert.Equal([true, true, false, false, false, false, true, true], SourceContext.Positions(source, both, 1));
        Assert.Throws<ArgumentException>(() => SourceContext.Positions(source, target[..7], 1));
    }

    [Fact]
    public void Aligned_OnlyWhenTheSwappedWordsHaveAsManyTokens()
    {
        var cat = Tokenizer.Encode("a cat on grass");        // cat: 2 tokens in the fixtures' vocabulary
        Assert.False(SourceContext.Aligned(cat, Tokenizer.Encode("a fluffy on grass"), Tokenizer.EndId));   // fluffy: 5 tokens
        Assert.True(SourceContext.Aligned(cat, cat, Tokenizer.EndId));
    }

    [Fact]
    public void Apply_TakesTheMarkedRowsFromTheSource()
    {
        using var source = zeros(1, 4, 3);
        using var target = ones(1, 4, 3);
        using var mixed = SourceContext.Apply(source, target, [true, false, false, true]);
        Assert.Equal([0f, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0], mixed.data<float>().ToArray());
    }

    [Theory]
    [InlineData(-1, "a blue square", "a red square", "edited_span must be between 0 and 76 tokens, got -1")]
    [InlineData(1, "a blue square", "a big blue square", "edited_span takes a word swap (replace), not refine")]
    public void Settings_RefuseASpanOutOfRange_OrAnEditThatIsNotASwap(int span, string source, string target, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => (P2pSettings.Reference with { EditedSpan = span }).Check(source, target));
        Assert.Equal(message, e.Message);
    }
}
