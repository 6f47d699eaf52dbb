using Motive.Models.Clip;
using Motive.Models.Vae;
using Motive.ToyWorld.Scenes;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.ToyWorld.Training;

/// <summary>
/// The UNet's training data, rendered and VAE-encoded once and reused: latents (the VAE posterior mean, unscaled,
/// [N,4,h,w] fp16), the captions' token ids [N,77], which latent cells an object touches [N,1,h,w] and how much of each cell each caption object covers [N,2,h,w]. Encoding the
/// 16 fresh scenes of a step was 45 % of a step's time; from this table a step is the UNet's arithmetic. Scenes come
/// from the even training seeds 0, 2, 4, … (odd seeds stay held out). Kept as <c>latents.safetensors</c> in the run's
/// state folder and rebuilt when the count, the scene size, the VAE's weights or the table's layout differ.
/// </summary>
public sealed class LatentDataset : IDisposable
{
    public const string FileName = "latents.safetensors";
    private const int EncodeBatch = 32;

    private LatentDataset(Tensor latents, Tensor ids, Tensor objectCells, Tensor captionCover)
    {
        Latents = latents;
        Ids = ids;
        ObjectCells = objectCells;
        CaptionCover = captionCover;
    }

    /// <summary>[N,4,h,w] float32, unscaled posterior means.</summary>
    public Tensor Latents { get; }
    /// <summary>[N,L] int64 token ids of each scene's caption.</summary>
    public Tensor Ids { get; }
    /// <summary>[N,1,h,w] float32: 1 where any pixel of the latent cell shows an object.</summary>
    public Tensor ObjectCells { get; }
    /// <summary>[N,Slots,h,w] float32: the share of each latent cell that each caption object (front to back) covers (<see cref="AttentionSupervision"/>).</summary>
    public Tensor CaptionCover { get; }
    public long Count => Latents.shape[0];

    /// <summary>The training seed of item <paramref name="i"/>.</summary>
    public static int Seed(int i) => 2 * i;

    /// <summary>Loads the table from <paramref name="stateDir"/>, or builds and writes it (reporting items encoded).</summary>
    public static LatentDataset LoadOrBuild(string stateDir, int count, int imageSize, AutoencoderKL vae, string vaeWeights, ClipTokenizer tokenizer,
        Action<int, int>? onEncoded = null, CancellationToken cancel = default)
    {
        var path = Path.Combine(stateDir, FileName);
        var key = EncodedTable.Key("v2", count, imageSize, vaeWeights);
        using (var sd = EncodedTable.OpenCurrent(path, key))
            if (sd is not null)
                return new LatentDataset(sd.Load("latents", float32), sd.Load("ids", int64), sd.Load("object_cells", float32), sd.Load("caption_cover", float32));
        var data = Build(count, imageSize, vae, tokenizer, onEncoded, cancel);
        EncodedTable.Write(path, key, "scenes from even seeds 0, 2, 4, …", data.Latents, ("ids", data.Ids), ("object_cells", data.ObjectCells), ("caption_cover", data.CaptionCover));
        return data;
    }

    /// <summary>
    /// Encodes <paramref name="count"/> scenes: training seeds by default, or those <paramref name="seedOf"/> gives (e.g.
    /// held-out ones), each first changed by <paramref name="alter"/> (scene, seed) when given.
    /// </summary>
    public static LatentDataset Build(int count, int imageSize, AutoencoderKL vae, ClipTokenizer tokenizer, Action<int, int>? onEncoded = null,
        CancellationToken cancel = default, Func<int, int>? seedOf = null, Func<Scene, int, Scene>? alter = null)
    {
        seedOf ??= Seed;
        var latents = new List<Tensor>();
        var cells = new List<Tensor>();
        var covers = new List<Tensor>();
        var ids = new List<long>();
        try
        {
            for (int start = 0; start < count; start += EncodeBatch)
            {
                cancel.ThrowIfCancellationRequested();
                var seeds = Enumerable.Range(start, Math.Min(EncodeBatch, count - start)).Select(seedOf).ToArray();
                var scenes = SceneBatches.Generate(seeds, imageSize);
                if (alter is not null) scenes = scenes.Select((scene, i) => alter(scene, seeds[i])).ToList();
                foreach (var s in scenes) ids.AddRange(tokenizer.Encode(Captions.Of(s)));
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var (images, objects) = SceneBatches.ImagesAndObjects(scenes);
                var mean = vae.Encode(images.to(vae.parameters().First().device)).Mean.cpu();
                int down = imageSize / (int)mean.shape[2];
                latents.Add(mean.MoveToOuterDisposeScope());
                cells.Add(F.max_pool2d(objects, down, stride: down).MoveToOuterDisposeScope());
                covers.Add(F.avg_pool2d(SceneBatches.CaptionObjects(scenes, AttentionSupervision.Slots), down, stride: down).MoveToOuterDisposeScope());
                onEncoded?.Invoke(start + seeds.Length, count);
            }
            return new LatentDataset(cat(latents, 0), tensor(ids.ToArray()).view(count, -1), cat(cells, 0), cat(covers, 0));
        }
        finally
        {
            foreach (var t in latents.Concat(cells).Concat(covers)) t.Dispose();
        }
    }

    public void Dispose()
    {
        Latents.Dispose();
        Ids.Dispose();
        ObjectCells.Dispose();
        CaptionCover.Dispose();
    }
}
