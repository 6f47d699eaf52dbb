using Motive.Models.Clip;
using Motive.Models.Loading;
using Motive.Tests.Support;
using Motive.ToyWorld.Scenes;
using Motive.ToyWorld.Training;
using static TorchSharp.torch;

namespace Motive.Tests.Training;

/// <summary>The UNet's cross-attention supervision: where caption objects' words sit, their masks, and the loss on a map.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class AttentionSupervisionTests
{
    [Fact]
    public void Tokens_AreTheCaptionObjectsColourAndShapeWords_InTheEmbeddedTokenizer()
    {
        var tokenizer = ClipTokenizer.FromFolder(Path.Combine(EmbeddedModel.Dir, "tokenizer"));
        var ids = tokenizer.Encode("a red triangle and a blue circle on a speckled background");
        foreach (var (j, colour, shape) in new[] { (0, "red", "triangle"), (1, "blue", "circle") })
        {
            var (c, s) = AttentionSupervision.Tokens(j);
            Assert.Equal(colour, tokenizer.Decode(ids[c]).Trim());
            Assert.Equal(shape, tokenizer.Decode(ids[s]).Trim());
        }
    }

    [Fact]
    public void CaptionObjects_ListTheVisibleMasksFrontToBack_AsTheCaptionNamesThem()
    {
        var scene = Enumerable.Range(0, 50).Select(i => SceneGenerator.Generate(2 * i)).First(s => s.Objects.Count == 2);
        var render = SceneRenderer.Render(scene);
        using var masks = SceneBatches.CaptionObjects([scene], AttentionSupervision.Slots);
        Assert.Equal(new long[] { 1, 2, scene.Height, scene.Width }, masks.shape);
        var caption = Captions.Of(scene).Split(' ');
        for (int j = 0; j < 2; j++)
        {
            int k = scene.Objects.Count - 1 - j;
            Assert.Equal(scene.Objects[k].Colour, caption[1 + 4 * j]);   // the caption's j-th object is this one
            var expected = render.Visible(k);
            var got = masks[0, j].flatten().data<float>().ToArray();
            Assert.Equal(expected.Count(v => v), got.Count(v => v == 1));
            Assert.All(Enumerable.Range(0, expected.Length), p => Assert.Equal(expected[p] ? 1f : 0f, got[p]));
        }
    }

    [Fact]
    public void Loss_IsZeroForMapsInsideTheMask_AndTheSquaredOutsideShareForFlatMaps()
    {
        using var scope = NewDisposeScope();
        // A 4×4 level; caption object 0 covers the top-left 2×2 cells (a quarter), object 1 is absent.
        var cover = zeros(1, 2, 8, 8);
        cover[0, 0, ..4, ..4] = tensor(1f);
        var counts = tensor(new float[] { 1, 0 }).view(1, 2);
        var noEnds = zeros(1, 77);   // no end tokens: the words' term alone
        var given = ones(1);
        var (colour, shape) = AttentionSupervision.Tokens(0);
        var inside = zeros(1, 1, 4, 4);
        inside[0, 0, ..2, ..2] = tensor(1f);
        var probs = full(1, 2, 16, 77, 0.01f);
        probs[.., .., .., colour] = inside.flatten().view(1, 1, 16) * 0.5f;
        probs[.., .., .., shape] = inside.flatten().view(1, 1, 16) * 0.3f;
        Assert.Equal(0, AttentionSupervision.Loss(probs, cover, counts, noEnds, given).item<float>(), 6);

        var flat = full(1, 2, 16, 77, 1f / 77);
        Assert.Equal(0.75 * 0.75, AttentionSupervision.Loss(flat, cover, counts, noEnds, given).item<float>(), 5);
        // The absent object's words weigh nothing: a map of theirs outside everything changes nothing.
        var (c1, s1) = AttentionSupervision.Tokens(1);
        probs[.., .., 15, c1] = tensor(1f);
        probs[.., .., 15, s1] = tensor(1f);
        Assert.Equal(0, AttentionSupervision.Loss(probs, cover, counts, noEnds, given).item<float>(), 6);
    }

    [Fact]
    public void Loss_AddsTheShareOfAttentionOnTheEndTokenAndPadding_ForGivenCaptionsOnly()
    {
        using var scope = NewDisposeScope();
        var cover = zeros(1, 2, 4, 4);
        var none = zeros(1, 2);   // no objects: the end term alone
        var ends = zeros(1, 77);
        ends[0, 20..] = tensor(1f);   // 57 of the 77 tokens
        var flat = full(1, 2, 16, 77, 1f / 77);
        Assert.Equal(57.0 / 77, AttentionSupervision.Loss(flat, cover, none, ends, ones(1)).item<float>(), 5);
        Assert.Equal(0, AttentionSupervision.Loss(flat, cover, none, ends, zeros(1)).item<float>(), 6);
        var onStart = zeros(1, 2, 16, 77);
        onStart[.., .., .., 0] = tensor(1f);
        Assert.Equal(0, AttentionSupervision.Loss(onStart, cover, none, ends, ones(1)).item<float>(), 6);
    }

    [Fact]
    public void SwapDistance_IsZeroForTheSameMaps_OneForDisjointOnes_InTheObjectsCellsOnly_AndCountsOnlyGivenCaptions()
    {
        using var scope = NewDisposeScope();
        // A 2×2 level (4 queries), 6 tokens; the swapped object covers every cell.
        var onStart = zeros(2, 2, 4, 6);
        onStart[.., .., .., 0] = tensor(1f);
        var onWord = zeros(2, 2, 4, 6);
        onWord[.., .., .., 2] = tensor(1f);
        var half = 0.5f * (onStart + onWord);
        var everywhere = ones(2, 4, 4);
        var both = ones(2);
        Assert.Equal(0, AttentionSupervision.SwapDistance(onStart, onStart.clone(), everywhere, both).item<float>(), 6);
        Assert.Equal(1, AttentionSupervision.SwapDistance(onStart, onWord, everywhere, both).item<float>(), 6);
        Assert.Equal(0.5, AttentionSupervision.SwapDistance(onStart, half, everywhere, both).item<float>(), 6);
        // Maps that move only at query 3 (the bottom-right cell): all of it inside an object there, none elsewhere.
        var corner = onStart.clone();
        corner[.., .., 3] = onWord[.., .., 3];
        var bottomRight = zeros(2, 4, 4);
        bottomRight[.., 2.., 2..] = tensor(1f);
        var topLeft = zeros(2, 4, 4);
        topLeft[.., ..2, ..2] = tensor(1f);
        Assert.Equal(1, AttentionSupervision.SwapDistance(onStart, corner, bottomRight, both).item<float>(), 6);
        Assert.Equal(0, AttentionSupervision.SwapDistance(onStart, corner, topLeft, both).item<float>(), 6);
        Assert.Equal(0.25, AttentionSupervision.SwapDistance(onStart, corner, everywhere, both).item<float>(), 6);
        // The second caption was dropped (classifier-free guidance's empty prompt): its maps do not count.
        var mixed = onStart.clone();
        mixed[1] = onWord[1];
        Assert.Equal(0, AttentionSupervision.SwapDistance(onStart, mixed, everywhere, tensor(new float[] { 1, 0 })).item<float>(), 6);
        Assert.Equal(0.5, AttentionSupervision.SwapDistance(onStart, mixed, everywhere, both).item<float>(), 6);
    }

    [Fact]
    public void SwappedCells_AreTheObjectWhoseColourWordDiffers()
    {
        using var scope = NewDisposeScope();
        var cover = zeros(2, 2, 4, 4);
        cover[.., 0, ..2] = tensor(1f);   // object 0: top half
        cover[.., 1, 2..] = tensor(1f);   // object 1: bottom half
        var (c0, _) = AttentionSupervision.Tokens(0);
        var (c1, _) = AttentionSupervision.Tokens(1);
        var ids = zeros([2, 12], int64);
        var twin = ids.clone();
        twin[0, c0] = tensor(5L);         // caption 0: the first object's colour swapped
        twin[1, c1] = tensor(5L);         // caption 1: the second's
        var cells = AttentionSupervision.SwappedCells(cover, ids, twin);
        Assert.True(cells[0].allclose(cover[0, 0]) && !cells[0].allclose(cover[0, 1]));
        Assert.True(cells[1].allclose(cover[1, 1]) && !cells[1].allclose(cover[1, 0]));
    }
}
