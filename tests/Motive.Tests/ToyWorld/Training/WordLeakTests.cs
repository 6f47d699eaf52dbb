using Motive.Models.Clip;
using Motive.Models.Loading;
using Motive.Tests.Support;
using Motive.ToyWorld.Scenes;
using Motive.ToyWorld.Training;
using static TorchSharp.torch;

namespace Motive.Tests.Training;

/// <summary>The word-leak loss: one object word swapped per caption, and the change of the encoder's output elsewhere.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class WordLeakTests
{
    private static readonly string[] Colours = [.. Palette.ObjectNames], Shapes = [.. Enum.GetValues<Shape>().Select(Captions.ShapeWord)];

    [Fact]
    public void Swap_ChangesOneColourOrShapeWordPerCaption_ForAnotherOfItsKind_AndLeavesWordlessRowsAlone()
    {
        var tokenizer = ClipTokenizer.FromFolder(Path.Combine(EmbeddedModel.Dir, "tokenizer"));
        long[] Group(string[] words) => words.Select(w => tokenizer.Encode(w)[1]).ToArray();
        var groups = new[] { Group(Colours), Group(Shapes) };
        string[] captions = ["a red triangle and a blue circle on a speckled background", "", "a green square on a gradient background"];
        using var ids = stack(captions.Select(c => tensor(tokenizer.Encode(c))), 0);
        var random = new Random(7);
        for (int draw = 0; draw < 20; draw++)
        {
            var (swapped, kept) = WordLeak.Swap(ids, groups, random);
            for (int r = 0; r < captions.Length; r++)
            {
                var before = ids[r].data<long>().ToArray();
                var after = swapped[r].data<long>().ToArray();
                var changed = Enumerable.Range(0, 77).Where(k => before[k] != after[k]).ToList();
                var keptRow = kept[r].data<float>().ToArray();
                if (captions[r] == "")
                {
                    Assert.Empty(changed);
                    Assert.All(keptRow, v => Assert.Equal(0f, v));
                    continue;
                }
                var k1 = Assert.Single(changed);
                var group = groups.Single(g => g.Contains(before[k1]));
                Assert.Contains(after[k1], group);
                Assert.All(Enumerable.Range(0, 77), k => Assert.Equal(k == k1 ? 0f : 1f, keptRow[k]));
            }
        }
    }

    [Fact]
    public void Loss_IsTheMeanSquaredChangeOverKeptPositions_AndIgnoresTheSwappedOne()
    {
        using var scope = NewDisposeScope();
        var a = zeros(2, 77, 4);
        var b = zeros(2, 77, 4);
        b[0, 3] = full(4, 5f);    // the swapped word itself may change freely
        b[0, 5] = full(4, 2f);    // a leak: 4 per channel at one of 76 kept positions of row 0
        var kept = ones(2, 77);
        kept[0, 3] = tensor(0f);
        kept[1] = zeros(77);      // row 1 had nothing to swap
        Assert.Equal(4.0 / 76, WordLeak.Loss(a, b, kept).item<float>(), 6);
        Assert.Equal(0f, WordLeak.Loss(a, a, kept).item<float>());
    }

    [Fact]
    public void Ratio_IsZeroForAPositionwiseEncoder_AndTheShareOfLaterPositionsForACumulativeOne()
    {
        using var scope = NewDisposeScope();
        var groups = new[] { new long[] { 5, 6 } };
        var ids = tensor(Enumerable.Range(0, 77).Select(k => k == 10 ? 5L : 1L).ToArray()).view(1, 77);   // one swappable word, at 10
        var table = randn(8, 3, generator: new Generator(1));
        Tensor Embed(Tensor t) => table[t];
        Assert.Equal(0, WordLeak.Ratio(Embed, ids, groups), 6);
        // A running sum: the swap changes positions 10…76 alike, so 66 of the 76 kept positions change as much as the word.
        Assert.Equal(Math.Sqrt(66.0 / 76), WordLeak.Ratio(t => Embed(t).cumsum(1), ids, groups), 5);
    }
}
