using Motive.Models.Clip;
using Motive.Models.Vae;
using Motive.ToyWorld.Scenes;
using static TorchSharp.torch;

namespace Motive.ToyWorld.Training;

/// <summary>
/// Each training scene of <see cref="LatentDataset"/> again with one of its objects (drawn per scene) in another colour
/// of the palette, one no other object has: latents and caption ids in the same order, encoded once into
/// <c>recoloured.safetensors</c> beside the table. The UNet objective uses them as colour pairs
/// (<see cref="UnetTraining"/>): a noisy latent of one, the other's caption and picture as the answer, so that at high
/// noise the colour comes from the words and the layout from the latent.
/// </summary>
public sealed class RecolourPairs : IDisposable
{
    public const string FileName = "recoloured.safetensors";

    public RecolourPairs(Tensor latents, Tensor ids) => (Latents, Ids) = (latents, ids);

    /// <summary>[N,4,h,w] float32, unscaled posterior means of the recoloured scenes.</summary>
    public Tensor Latents { get; }
    /// <summary>[N,L] int64 token ids of their captions.</summary>
    public Tensor Ids { get; }

    /// <summary><paramref name="scene"/> with one object, drawn by <paramref name="random"/>, in a colour no object of it has.</summary>
    public static Scene Recolour(Scene scene, Random random)
    {
        int k = random.Next(scene.Objects.Count);
        var free = Palette.ObjectNames.Where(c => scene.Objects.All(o => o.Colour != c)).ToList();
        var colour = free[random.Next(free.Count)];
        return scene with { Objects = scene.Objects.Select((o, i) => i == k ? o with { Colour = colour } : o).ToList() };
    }

    /// <summary>Loads the pairs from <paramref name="stateDir"/>, or builds and writes them (reporting items encoded).</summary>
    public static RecolourPairs LoadOrBuild(string stateDir, int count, int imageSize, AutoencoderKL vae, string vaeWeights, ClipTokenizer tokenizer,
        Action<int, int>? onEncoded = null, CancellationToken cancel = default)
    {
        var path = Path.Combine(stateDir, FileName);
        var key = EncodedTable.Key("v1", count, imageSize, vaeWeights);
        using (var sd = EncodedTable.OpenCurrent(path, key))
            if (sd is not null) return new RecolourPairs(sd.Load("latents", float32), sd.Load("ids", int64));
        using var data = LatentDataset.Build(count, imageSize, vae, tokenizer, onEncoded, cancel, alter: (scene, seed) => Recolour(scene, new Random(seed)));
        var pairs = new RecolourPairs(data.Latents.clone(), data.Ids.clone());
        EncodedTable.Write(path, key, "scenes from even seeds 0, 2, 4, …, one object recoloured", pairs.Latents, ("ids", pairs.Ids));
        return pairs;
    }

    public void Dispose()
    {
        Latents.Dispose();
        Ids.Dispose();
    }
}

/// <summary>
/// How the UNet objective uses <see cref="RecolourPairs"/>: a <paramref name="Share"/> of the captioned items noised at
/// timestep <paramref name="FromTimestep"/> or later become pairs, half of them noised from the scene and answered
/// with the recoloured one and its caption, half the reverse.
/// </summary>
public sealed record ColourPairs(RecolourPairs Table, double Share, int FromTimestep)
{
    /// <summary>
    /// Per item: the latent x_t is made from, the latent ε must lead to, the caption ids (all unchanged for items not
    /// paired), and the twin's caption ids (the other picture's caption: the one a colour word swap gives).
    /// </summary>
    public (Tensor From, Tensor Answer, Tensor Ids, Tensor Twin) Draw(Tensor index, Tensor x0, Tensor ids, Tensor dropped, Tensor t, double scalingFactor, Generator g, Device device)
    {
        long n = index.shape[0];
        var other = (Table.Latents[index] * scalingFactor).to(device);
        var paired = (rand([n], generator: g) < Share).logical_and(t >= FromTimestep).logical_and(dropped.view(-1).logical_not());
        var toOther = rand([n], generator: g) < 0.5;
        var forward = paired.logical_and(toOther);
        var backward = paired.logical_and(toOther.logical_not());
        var from = where(backward.view(-1, 1, 1, 1).to(device), other, x0);
        var answer = where(forward.view(-1, 1, 1, 1).to(device), other, x0);
        var twinIds = Table.Ids[index];
        return (from, answer, where(forward.view(-1, 1), twinIds, ids), where(forward.view(-1, 1), ids, twinIds));
    }
}
