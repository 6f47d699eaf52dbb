using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Models.Vae;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using Motive.ToyWorld.Scenes;
using Motive.ToyWorld.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.ToyWorld.Evaluation;

/// <summary>One generated sample judged against its caption: which of the requested objects were found with the right shape.</summary>
public sealed record CaptionCheck(int Seed, string Caption, int Requested, int ColoursFound, int ShapesRight)
{
    public bool Correct => ShapesRight == Requested;
}

/// <summary>
/// The toy models' quality numbers on held-out scenes (odd seeds): VAE reconstruction PSNR, caption correctness of
/// text-conditioned samples (every requested object's colour found by the colour segmentation, with its shape told
/// right by <see cref="ShapeClassifier"/>), and the toy RAFT's end-point error (<see cref="RaftTraining.EndPointError"/>).
/// </summary>
public static class ToyEvaluation
{
    /// <summary>A colour counts as drawn when at least this many pixels have its hue (a small object at 128 px covers ~150).</summary>
    public const int MinObjectPixels = 40;

    /// <summary>Samples one image per caption of held-out scenes <paramref name="first"/>.. (DDIM, CFG) and judges it.</summary>
    public static List<CaptionCheck> Captions(StableDiffusionModel model, int count, int steps = 25, double cfg = 5, int size = 128, int first = 0,
        Action<int, int>? onSample = null, CancellationToken cancel = default)
    {
        var checks = new List<CaptionCheck>();
        for (int i = 0; i < count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            int seed = HeldOut.SceneSeed(first + i);
            var scene = SceneGenerator.Generate(seed, size, size);
            using var result = Txt2Img.Run(model, new Txt2ImgRequest(Scenes.Captions.Of(scene), Width: size, Height: size, Steps: steps, GuidanceScale: cfg, Seed: seed));
            checks.Add(Judge(seed, scene, result.Image.contiguous().data<float>().ToArray()));
            onSample?.Invoke(i + 1, count);
        }
        return checks;
    }

    /// <summary>
    /// Encode (posterior mean) → decode of <paramref name="count"/> held-out scenes: the mean PSNR (dB, images in [0,1]),
    /// and the caption judgement of each reconstruction — the most that samples can score through this decoder (a
    /// washed-out colour or a blurred shape fails here before the UNet is asked anything).
    /// </summary>
    public static (double Psnr, List<CaptionCheck> Checks) Reconstructions(AutoencoderKL vae, int count, int size = 128)
    {
        double total = 0;
        var checks = new List<CaptionCheck>();
        for (int start = 0; start < count; start += 8)
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var seeds = Enumerable.Range(start, Math.Min(8, count - start)).Select(HeldOut.SceneSeed).ToArray();
            var scenes = SceneBatches.Generate(seeds, size);
            var images = SceneBatches.Images(scenes);
            var decoded = vae.Decode(vae.Encode(images).Mean).clamp(-1, 1);
            var mse = ((decoded - images) / 2).square().mean([1, 2, 3]);
            total += (10 * (1 / mse).log10()).sum().item<float>();
            var pictures = ((decoded + 1) / 2).contiguous();
            for (int i = 0; i < seeds.Length; i++) checks.Add(Judge(seeds[i], scenes[i], pictures[i].data<float>().ToArray()));
        }
        return (total / count, checks);
    }

    /// <summary>
    /// How localised the UNet's cross-attention is: over <paramref name="count"/> held-out scenes noised at t = 250, 500
    /// and 750 (fixed noise), the mean share of each caption object word's attention that falls in the object's cells
    /// (<see cref="AttentionSupervision.InsideShares"/>, every down and up cross-attention), beside the objects' mean
    /// area share, which is what maps flat over the picture give, and the share of attention on the end token and padding;
    /// the maps' move in an object's cells when its colour word is swapped (<see cref="AttentionSupervision.SwapDistance"/>,
    /// the recoloured twin's caption on the same x_t: what Prompt-to-Prompt's replace assumes is 0); with them the text
    /// encoder's word leak on the same captions (<see cref="WordLeak.Ratio"/>).
    /// </summary>
    public static (double Inside, double Area, double End, double Swap, double Leak) AttentionInside(StableDiffusionModel model, int count)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var data = LatentDataset.Build(count, 128, model.Vae, model.Tokenizer, seedOf: HeldOut.SceneSeed);
        var alphas = DdimSchedule.From(model.SchedulerConfig).AlphasCumprod;
        using var twins = LatentDataset.Build(count, 128, model.Vae, model.Tokenizer, seedOf: HeldOut.SceneSeed, alter: (scene, seed) => RecolourPairs.Recolour(scene, new Random(seed)));
        var context = model.TextEncoder.Forward(data.Ids);
        var twinContext = model.TextEncoder.Forward(twins.Ids);
        var x0 = data.Latents * model.Vae.Config.ScalingFactor;
        using var endToken = model.Tokenizer.Encode("")[1].ToScalar();
        var ends = data.Ids.eq(endToken).to(float32);                                  // the end token pads the ids
        var present = (data.CaptionCover.sum([2, 3]) > 0).to(float32);                 // [N, Slots]
        var cells = AttentionSupervision.SwappedCells(data.CaptionCover, data.Ids, twins.Ids);
        double inside = 0;
        double end = 0, swap = 0;
        int calls = 0;
        foreach (var t in new[] { 250, 500, 750 })
        {
            using var g = new Generator((ulong)t);
            var noise = randn(x0.shape, generator: g);
            var xt = Math.Sqrt(alphas[t]) * x0 + Math.Sqrt(1 - alphas[t]) * noise;
            var maps = new List<Tensor>();
            var twinMaps = new List<Tensor>();
            model.Unet.Forward(xt, full([count], t, int64), context, AttentionSupervision.Capture(maps));
            model.Unet.Forward(xt, full([count], t, int64), twinContext, AttentionSupervision.Capture(twinMaps));
            foreach (var (p, q) in maps.Zip(twinMaps))
            {
                var shares = AttentionSupervision.InsideShares(p, data.CaptionCover);
                inside += ((shares * present.unsqueeze(2)).sum() / (2 * present.sum())).item<float>();
                end += AttentionSupervision.EndShare(p, ends).mean().item<float>();
                swap += AttentionSupervision.SwapDistance(p, q, cells, ones(count)).item<float>();
            }
            calls += maps.Count;
        }
        double area = ((data.CaptionCover.mean([2, 3]) * present).sum() / present.sum()).item<float>();
        double leak = WordLeak.Ratio(model.TextEncoder.Forward, data.Ids, WordLeak.Groups(model.Tokenizer));
        return (inside / calls, area, end / calls, swap / calls, leak);
    }

    /// <summary>
    /// Judges an image (planar RGB in [0,1]) against the caption of <paramref name="scene"/>. The pixels of the other
    /// requested colours (grown by a pixel, for their soft edges) may hide part of an object, so its shape is fitted
    /// without them.
    /// </summary>
    public static CaptionCheck Judge(int seed, Scene scene, float[] image)
    {
        int w = scene.Width, h = scene.Height, colours = 0, shapes = 0;
        var masks = scene.Objects.Select(o => ImageMeasures.Segment(image, w, h, o.Colour)).ToArray();
        for (int k = 0; k < masks.Length; k++)
        {
            if (masks[k].Count(m => m) < MinObjectPixels) continue;
            colours++;
            var others = new bool[w * h];
            for (int j = 0; j < masks.Length; j++)
                if (j != k) for (int i = 0; i < others.Length; i++) others[i] |= masks[j][i];
            var hidden = ImageMeasures.Grow(others, w, h, 1);
            if (ShapeClassifier.Classify(masks[k], w, h, hidden).Shape == scene.Objects[k].Shape) shapes++;
        }
        return new CaptionCheck(seed, Scenes.Captions.Of(scene), scene.Objects.Count, colours, shapes);
    }
}
