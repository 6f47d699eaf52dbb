using Motive.Models.Blocks;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.ToyWorld.Training;

/// <summary>
/// Token-level supervision of the UNet's cross-attention (TokenCompose's token loss, Wang et al., CVPR 2024): each
/// caption object's colour and shape words should draw their attention from the latent cells the object covers.
/// Trained on the ε objective alone, the toy UNet's maps came out flat (every word's map within a few per cent of its
/// maximum everywhere), so Prompt-to-Prompt, whose edits move words' maps between prompts and whose LocalBlend
/// thresholds them, had nothing to hold the layout with; SD's maps are localised because its text encoder and data
/// make them so, the toy world's exact masks make them so here. A second term keeps attention off the end token and the
/// padding after it: in a causal text encoder those see the whole caption, so attention on them carries the caption to
/// every position, and a swapped word changes the picture everywhere whatever the maps (measured on the toy UNet before
/// this: 60–90 % of each cross-attention's mass went there; the start token, which no word can change, is the
/// prompt-independent place for it).
/// </summary>
public static class AttentionSupervision
{
    /// <summary>Caption objects a scene can have (the world draws one or two).</summary>
    public const int Slots = 2;

    /// <summary>
    /// Hooks that collect into <paramref name="maps"/> the probabilities of the cross-attention calls supervised and
    /// measured: the levels' (the mid block's 2² maps say little about where a word is).
    /// </summary>
    public static NetworkHooks Capture(List<Tensor> maps) => new()
    {
        CaptureProbs = site => site.IsCross && site.Place != "mid",
        OnAttentionProbs = (_, probs) => { maps.Add(probs); return probs; },
    };

    /// <summary>
    /// Token positions of caption object <paramref name="j"/>'s colour and shape words: the start token, then
    /// "a COLOUR SHAPE and a COLOUR SHAPE …", one token a word (the toy tokenizer's merges make each caption word one).
    /// </summary>
    public static (int Colour, int Shape) Tokens(int j) => (2 + 4 * j, 3 + 4 * j);

    /// <summary>
    /// The share of each caption object word's attention, averaged over heads, that falls in the object's cells:
    /// [B, Slots, 2] (colour word, shape word). <paramref name="probs"/>: [B, heads, Q, K] of a square level;
    /// <paramref name="cover"/>: [B, Slots, S, S], the share of each latent cell the caption object covers (S a multiple
    /// of the level's side).
    /// </summary>
    public static Tensor InsideShares(Tensor probs, Tensor cover)
    {
        using var scope = NewDisposeScope();
        long queries = probs.shape[2], side = (long)Math.Round(Math.Sqrt(queries));
        if (side * side != queries) throw new ArgumentException($"attention supervision needs a square level, got {queries} queries");
        int down = (int)(cover.shape[2] / side);
        var masks = (down == 1 ? cover : F.avg_pool2d(cover, down, down)).flatten(2);   // [B, Slots, Q]
        var maps = probs.mean([1]);                                                     // [B, Q, K]
        var shares = new List<Tensor>();
        for (int j = 0; j < Slots; j++)
        {
            var (colour, shape) = Tokens(j);
            foreach (var token in new[] { colour, shape })
            {
                var map = maps[.., .., token];                                          // [B, Q]
                shares.Add((map * masks[.., j]).sum(dim: 1) / map.sum(dim: 1).clamp_min(1e-12));
            }
        }
        return stack(shares, 1).view(-1, Slots, 2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The share of attention, averaged over heads and positions, on the end token and the padding after it: [B].
    /// <paramref name="ends"/>: [B, K], 1 at those tokens.
    /// </summary>
    public static Tensor EndShare(Tensor probs, Tensor ends) => (probs.mean([1, 2]) * ends).sum(dim: 1);

    /// <summary>
    /// One cross-attention call's loss: (1 − <see cref="InsideShares"/>)² averaged over the words that count
    /// (<paramref name="counts"/>: [B, Slots], 1 where the object is there and the caption was given), plus
    /// <see cref="EndShare"/> averaged over the captions given (<paramref name="given"/>: [B], 1 or 0).
    /// </summary>
    public static Tensor Loss(Tensor probs, Tensor cover, Tensor counts, Tensor ends, Tensor given)
    {
        using var scope = NewDisposeScope();
        var outside = (1 - InsideShares(probs, cover)).square().sum(dim: 2);           // [B, Slots]
        var words = (outside * counts).sum() / (2 * counts.sum()).clamp_min(1);
        var end = (EndShare(probs, ends) * given).sum() / given.sum().clamp_min(1);
        return (words + end).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// How far one cross-attention call's maps move when a colour word is swapped: the total-variation distance between
    /// each query's distributions over the tokens under the two captions (<paramref name="probs"/>, <paramref name="twin"/>:
    /// [B, heads, Q, K], the same noisy latent), averaged over heads, over the queries in the swapped object's cells
    /// (<paramref name="cells"/>: [B, S, S], the share of each latent cell it covers, S a multiple of the level's side;
    /// elsewhere the swap hardly moves anything) and over the captions given (<paramref name="given"/>: [B], 1 or 0).
    /// 0 when the swap leaves every map where it was, which is what Prompt-to-Prompt assumes when it gives the edited
    /// prompt the source's maps; 1 when they share no mass.
    /// </summary>
    public static Tensor SwapDistance(Tensor probs, Tensor twin, Tensor cells, Tensor given)
    {
        using var scope = NewDisposeScope();
        long side = (long)Math.Round(Math.Sqrt(probs.shape[2]));
        int down = (int)(cells.shape[1] / side);
        var weights = (down == 1 ? cells : F.avg_pool2d(cells.unsqueeze(1), down, down).squeeze(1)).flatten(1);   // [B, Q]
        var distance = 0.5 * (probs - twin).abs().sum(dim: 3).mean([1]);              // [B, Q]
        var inside = (distance * weights).sum(dim: 1) / weights.sum(dim: 1).clamp_min(1e-12);
        return ((inside * given).sum() / given.sum().clamp_min(1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The cells of the object a colour swap recoloured: of caption object 0 where the two captions' first colour
    /// words differ, else of object 1 (<paramref name="cover"/>: [B, Slots, S, S]; <paramref name="ids"/>,
    /// <paramref name="twin"/>: [B, L] token ids) → [B, S, S].
    /// </summary>
    public static Tensor SwappedCells(Tensor cover, Tensor ids, Tensor twin)
    {
        int colour = Tokens(0).Colour;
        var first = ids[.., colour].ne(twin[.., colour]).view(-1, 1, 1).to(cover.device);
        return where(first, cover[.., 0], cover[.., 1]);
    }
}
