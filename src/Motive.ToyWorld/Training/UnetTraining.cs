using System.Text.Json.Nodes;
using Motive.Models.Blocks;
using Motive.Models.Clip;
using Motive.Models.Loading;
using Motive.Models.Unet;
using Motive.Models.Vae;
using Motive.Sampling.Schedules;
using Motive.ToyWorld.Scenes;
using Motive.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.ToyWorld.Training;

/// <summary>The two modules the UNet objective trains together: the UNet and the text encoder it reads (SD keeps CLIP frozen; the toy one learns the grammar here).</summary>
public sealed class ToyDenoiser : nn.Module
{
    private readonly UNet2DConditionModel unet;
    private readonly ClipTextModel text_encoder;

    public ToyDenoiser(UNet2DConditionModel unet, ClipTextModel textEncoder) : base(nameof(ToyDenoiser))
    {
        this.unet = unet;
        text_encoder = textEncoder;
        RegisterComponents();
    }

    public UNet2DConditionModel Unet => unet;
    public ClipTextModel TextEncoder => text_encoder;
}

/// <summary>
/// The toy UNet's objective: SD's ε-prediction on latents of training scenes (<see cref="LatentDataset"/>: the trained
/// VAE's posterior means, encoded once, times the scaling factor), noised at a uniform timestep of the model's own
/// schedule, conditioned on the scene's caption — dropped to the empty prompt one time in ten, so classifier-free
/// guidance has an unconditional branch to use. Two weightings: min-SNR-γ (Hang et al., ICCV 2023: a step's ε error
/// weighs min(SNR, γ) / SNR, so the nearly clean timesteps, whose ε is hard to tell and matters little for the
/// picture, stop dominating the gradient), and latent cells an object touches weighing <c>objectWeight</c> times more.
/// With <c>attentionWeight</c> > 0, <see cref="AttentionSupervision"/>'s loss on the cross-attention maps is added at that weight;
/// with colour pairs (<see cref="ColourPairs"/>), some items are noised from one picture and answered with its recoloured twin;
/// with <c>swapWeight</c> > 0 the twin's caption also runs on the same x_t and its cross-attention maps are pulled to
/// these (<see cref="AttentionSupervision.SwapDistance"/>; measured: the maps stay, the swaps do not get better, the samples worse).
/// </summary>
public static class UnetTraining
{
    public const double CaptionDropout = 0.1;
    public const int DefaultDatasetSize = 16384;

    public static Tensor Loss(ToyDenoiser model, LatentDataset data, long[] emptyPrompt, float[] alphasCumprod, double scalingFactor,
        int batch, Generator g, Device device, double objectWeight = 1, double minSnrGamma = 0, double attentionWeight = 0,
        double leakWeight = 0, IReadOnlyList<long[]>? wordGroups = null, ColourPairs? pairs = null, double swapWeight = 0)
    {
        using var index = randint(0, data.Count, [batch], dtype: int64, generator: g);
        var x0 = (data.Latents[index] * scalingFactor).to(device);
        using var drop = rand([batch], generator: g);
        using var empty = tensor(emptyPrompt).view(1, -1).expand(batch, -1);
        var dropped = (drop < CaptionDropout).view(-1, 1);
        var ids = where(dropped, empty, data.Ids[index]);
        var t = randint(0, alphasCumprod.Length, [batch], dtype: int64, generator: g);
        var a = tensor(alphasCumprod)[t].view(-1, 1, 1, 1).to(device);
        var noise = randn(x0.shape, generator: g).to(device);
        var (from, answer) = (x0, x0);
        Tensor? twin = null;
        if (pairs is not null) (from, answer, ids, twin) = pairs.Draw(index, x0, ids, dropped, t, scalingFactor, g, device);
        var context = model.TextEncoder.Forward(ids.to(device));
        var xt = a.sqrt() * from + (1 - a).sqrt() * noise;
        // ε that takes x_t to the answer: the noise itself unless a colour pair's answer is the other picture.
        if (pairs is not null) noise = (xt - a.sqrt() * answer) / (1 - a).sqrt();
        var maps = new List<Tensor>();
        var hooks = attentionWeight <= 0 && swapWeight <= 0 ? null : AttentionSupervision.Capture(maps);
        var error = (model.Unet.Forward(xt, t.to(device), context, hooks) - noise).square();
        var cells = LatentCellWeights(data.ObjectCells[index], 1, objectWeight).to(device);
        var loss = WeightedLoss.Mean(error * MinSnrWeights(a, minSnrGamma), cells);   // weights 1: the plain MSE
        if (leakWeight > 0)
        {
            var random = new Random((int)randint(0, int.MaxValue, [1], dtype: int64, generator: g).item<long>());
            var (swapped, kept) = WordLeak.Swap(ids, wordGroups!, random);
            loss += leakWeight * WordLeak.Loss(context, model.TextEncoder.Forward(swapped.to(device)), kept.to(device));
        }
        if (maps.Count == 0) return loss;
        var given = (~dropped).to(float32).view(-1).to(device);
        var cover = data.CaptionCover[index].to(device);
        if (swapWeight > 0)
        {
            // The same x_t under the twin's caption (one colour word swapped): its maps should be these.
            var twinMaps = new List<Tensor>();
            model.Unet.Forward(xt, t.to(device), model.TextEncoder.Forward(twin!.to(device)), AttentionSupervision.Capture(twinMaps));
            var swapped = AttentionSupervision.SwappedCells(cover, ids, twin);
            loss += swapWeight * stack(maps.Zip(twinMaps, (p, q) => AttentionSupervision.SwapDistance(p, q, swapped, given))).mean();
        }
        if (attentionWeight <= 0) return loss;
        var counts = (cover.sum([2, 3]) > 0).to(float32) * given.unsqueeze(1);
        using var endToken = emptyPrompt[1].ToScalar();
        var ends = ids.eq(endToken).to(float32).to(device);                            // the end token pads the ids
        var attention = stack(maps.Select(p => AttentionSupervision.Loss(p, cover, counts, ends, given))).mean();
        return loss + attentionWeight * attention;
    }

    /// <summary>min(SNR, γ) / SNR per sample, SNR = ᾱ / (1 − ᾱ) (ε-prediction's form of min-SNR-γ); γ ≤ 0 gives 1.</summary>
    public static Tensor MinSnrWeights(Tensor alphaBar, double gamma)
    {
        if (gamma <= 0) return ones_like(alphaBar);
        var snr = alphaBar / (1 - alphaBar);
        return snr.clamp(max: gamma) / snr;
    }

    /// <summary>
    /// Per-latent-cell weights [B,1,h,w] from an object mask [B,1,H,W] (1 or 0): <paramref name="objectWeight"/> where any
    /// pixel of the cell's <paramref name="downsample"/>² patch shows an object, 1 elsewhere.
    /// </summary>
    public static Tensor LatentCellWeights(Tensor objects, int downsample, double objectWeight) =>
        1 + (objectWeight - 1) * F.max_pool2d(objects, downsample, stride: downsample);

    /// <summary>
    /// Sets the VAE's <c>scaling_factor</c> in the folder's config to 1 / (standard deviation of the latents of 64
    /// held-out scenes), SD's own rule: the UNet then sees latents of unit variance. Returns the factor.
    /// </summary>
    public static double CalibrateScalingFactor(string modelDir, AutoencoderKL vae, int imageSize)
    {
        double std;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var seeds = Enumerable.Range(0, 64).Select(i => HeldOut.SceneSeed(i)).ToArray();
            std = vae.Encode(SceneBatches.Images(seeds, imageSize)).Mean.std().item<float>();
        }
        var path = Path.Combine(modelDir, "vae", "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["scaling_factor"] = Math.Round(1 / std, 5);
        File.WriteAllText(path, config.ToJsonString(Motive.IO.Json.MotiveJson.Options));
        return Math.Round(1 / std, 5);
    }

    /// <summary>
    /// Trains the UNet and text encoder of a toy model folder whose VAE is trained (EMA weights are what is shipped).
    /// <paramref name="freshChannels"/>: block widths of a UNet made afresh before the first step (the folder's VAE and
    /// text encoder kept); only for a run at step 0, since a resumed run continues the UNet it has.
    /// <paramref name="freezeTextEncoder"/>: train the UNet alone (a fine-tune that must not change what the words mean).
    /// </summary>
    public static IReadOnlyList<double> Train(string modelDir, TrainOptions o, int imageSize, double objectWeight = 1, double minSnrGamma = 5,
        int datasetSize = DefaultDatasetSize, Action<int, int, double>? onStep = null, Action<int, int>? onEncoded = null, CancellationToken cancel = default,
        IReadOnlyList<int>? freshChannels = null, double attentionWeight = 0, double leakWeight = 0, bool freezeTextEncoder = false,
        double pairShare = 0, double pairsFrom = 0.3, double swapWeight = 0)
    {
        if (swapWeight > 0 && pairShare <= 0) throw new ArgumentException("the swap-consistency loss reads the colour pairs' twin captions: give colour pairs a share above 0");
        if (!(pairShare >= 0 && pairShare <= 1)) throw new ArgumentException($"the colour pairs' share must be between 0 and 1 (got {pairShare})");
        if (!(pairsFrom >= 0 && pairsFrom <= 1)) throw new ArgumentException($"the colour pairs start at a fraction of the schedule between 0 and 1 (got {pairsFrom})");
        if (freezeTextEncoder && leakWeight > 0)
            throw new ArgumentException("the word-leak loss trains the text encoder: it cannot be frozen at the same time");
        var stateDir = ToyModelFolder.TrainingDir(modelDir, "unet");
        int step = TrainState.Load(stateDir).Step;
        if (freshChannels is not null && step == 0)
            ToyModelFolder.WriteUnet(modelDir, freshChannels, o.Seed);
        else if (freshChannels is not null && ToyModelFolder.UnetWidths(modelDir) is var widths && !freshChannels.SequenceEqual(widths))
            throw new ArgumentException($"the UNet run in {modelDir} is at step {step} with widths {string.Join(",", widths)}: a fresh UNet of other widths starts at step 0 (remove {Path.Combine(stateDir, "state.json")} to start over)");
        if (step == 0)
            using (var fresh = VaeTraining.Load(modelDir)) CalibrateScalingFactor(modelDir, fresh, imageSize);
        using var sd = StableDiffusionModel.Load(modelDir, new LoadOptions(Device: o.Device));
        var schedule = DdimSchedule.From(sd.SchedulerConfig);
        var vaeWeights = Path.Combine(modelDir, "vae", "diffusion_pytorch_model.safetensors");
        using var data = LatentDataset.LoadOrBuild(stateDir, datasetSize, imageSize, sd.Vae, vaeWeights, sd.Tokenizer, onEncoded, cancel);
        using var recoloured = pairShare > 0 ? RecolourPairs.LoadOrBuild(stateDir, datasetSize, imageSize, sd.Vae, vaeWeights, sd.Tokenizer, onEncoded, cancel) : null;
        var pairs = recoloured is null ? null : new ColourPairs(recoloured, pairShare, (int)Math.Round(pairsFrom * schedule.AlphasCumprod.Length));
        var emptyPrompt = sd.Tokenizer.Encode("");
        using var model = new ToyDenoiser(sd.Unet, sd.TextEncoder);
        // A frozen encoder gets no gradient, so AdamW leaves it alone and its EMA stays what the folder had.
        if (freezeTextEncoder) foreach (var p in sd.TextEncoder.parameters()) p.requires_grad = false;
        var device = torch.device(o.Device);
        var groups = WordLeak.Groups(sd.Tokenizer);
        return TrainLoop.Run(model, (_, g) => Loss(model, data, emptyPrompt, schedule.AlphasCumprod, sd.Vae.Config.ScalingFactor, o.Batch, g, device, objectWeight, minSnrGamma, attentionWeight, leakWeight, groups, pairs, swapWeight),
            o, stateDir, m => Export(modelDir, (ToyDenoiser)m), onStep, cancel);
    }

    private static void Export(string modelDir, ToyDenoiser m)
    {
        ModuleWeights.Save(Path.Combine(modelDir, "unet", "diffusion_pytorch_model.safetensors"), m.Unet);
        ModuleWeights.Save(Path.Combine(modelDir, "text_encoder", "model.safetensors"), m.TextEncoder, "text_model.");
    }
}
