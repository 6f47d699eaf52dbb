using Motive.Models.Clip;
using Motive.ToyWorld.Scenes;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.ToyWorld.Training;

/// <summary>
/// A loss that keeps a swapped word's meaning in its own token. A causal text encoder lets every token after a word
/// see it, so swapping "blue" for "red" changes the embedding of "square", of the second object's words, of the end
/// token and the padding, and with them the values every position of the picture reads: Prompt-to-Prompt's edited
/// branch then leaves the source's layout even when all its attention maps are the source's (measured on the toy
/// model: with every map replaced for the whole run the square moved and turned green). The loss draws, per caption,
/// one object word (a colour or a shape) and swaps it for another of its kind, and penalises the squared change of
/// the encoder's output at every other position, so a word's meaning reaches the picture through the attention to
/// its own token only. SD's CLIP does not work this way; the toy encoder is trained with its UNet and may.
/// </summary>
public static class WordLeak
{
    /// <summary>
    /// <paramref name="ids"/> [B, 77] with one word per row swapped: a position holding a token of one of
    /// <paramref name="groups"/> (token ids of interchangeable words) drawn uniformly, its token replaced by another of
    /// the same group. Returns the swapped ids and a [B, 77] mask of 1 where a row was left alone (a row with no such
    /// word, e.g. the empty prompt, is all 0: it has nothing to compare).
    /// </summary>
    public static (Tensor Ids, Tensor Kept) Swap(Tensor ids, IReadOnlyList<long[]> groups, Random random)
    {
        long rows = ids.shape[0], length = ids.shape[1];
        var flat = ids.contiguous().data<long>().ToArray();
        var kept = new float[flat.Length];
        var groupOf = new Dictionary<long, long[]>();
        foreach (var g in groups)
            foreach (var token in g) groupOf[token] = g;
        for (long r = 0; r < rows; r++)
        {
            var candidates = new List<long>();
            for (long k = 0; k < length; k++)
                if (groupOf.ContainsKey(flat[r * length + k])) candidates.Add(r * length + k);
            if (candidates.Count == 0) continue;
            var at = candidates[random.Next(candidates.Count)];
            var group = groupOf[flat[at]];
            var others = group.Where(t => t != flat[at]).ToArray();
            flat[at] = others[random.Next(others.Length)];
            for (long k = 0; k < length; k++) kept[r * length + k] = r * length + k == at ? 0 : 1;
        }
        return (tensor(flat).view(rows, length), tensor(kept).view(rows, length));
    }

    /// <summary>
    /// The mean squared change [scalar] between the encoder's outputs [B, 77, C] for the captions and for their swapped
    /// versions, over the kept positions (a batch with none gives 0).
    /// </summary>
    public static Tensor Loss(Tensor context, Tensor swappedContext, Tensor kept)
    {
        using var one = 1.ToScalar();   // explicit: an implicit Scalar can be freed by the finalizer while libtorch reads it
        var perPosition = (context - swappedContext).square().mean([2L]);
        return (perPosition * kept).sum() / kept.sum().clamp_min(one);
    }

    /// <summary>The interchangeable words' token ids: the colours, and the shapes (each one token of the toy tokenizer).</summary>
    public static IReadOnlyList<long[]> Groups(ClipTokenizer tokenizer) =>
        new[] { Palette.ObjectNames, Enum.GetValues<Shape>().Select(Captions.ShapeWord).ToList() }
            .Select(words => words.Select(w => tokenizer.Encode(w)[1]).ToArray()).ToList();

    /// <summary>
    /// How much a word swap reaches the other positions: the root-mean-square change of <paramref name="encode"/>'s
    /// output at the kept positions over that at the swapped word, for one swap (seeded) per caption of
    /// <paramref name="ids"/> [N, 77]. 0: the word's meaning stays in its token; a causal encoder trained on the ε loss alone leaks.
    /// </summary>
    public static double Ratio(Func<Tensor, Tensor> encode, Tensor ids, IReadOnlyList<long[]> groups, int seed = 0)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (swapped, kept) = Swap(ids, groups, new Random(seed));
        var change = (encode(ids) - encode(swapped)).square().mean([2L]);
        var word = (ones_like(kept) - kept) * kept.sum([1L], keepdim: true).sign();   // the swapped word, in rows that had one
        return Math.Sqrt(((change * kept).sum() / kept.sum()).item<float>() / ((change * word).sum() / word.sum()).item<float>());
    }
}
