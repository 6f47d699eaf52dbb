using Motive.Models.Loading;
using Motive.Models.Optim;
using Motive.Models.Unet;
using Motive.Sampling.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.DragDiffusion;

/// <summary>The random draws of one LoRA step: crop corners per copy, the posterior's noise, the diffusion noise, the timesteps.</summary>
public sealed record LoraDraws(long[] Tops, long[] Lefts, Tensor PosteriorNoise, Tensor Noise, long[] Timesteps);

/// <summary>
/// DragDiffusion's per-image LoRA (utils/lora_utils.train_lora): rank-r adapters on to_q, to_k, to_v, to_out.0 of every
/// UNet attention (down ~ N(0, 1/r²), up = 0), trained for a few steps with SD's ε loss on copies of the one image
/// (each its own random crop of the image resized to the training resolution), the prompt's text states, AdamW at a
/// constant rate. The adapters stay attached to the UNet (the caller keeps the UNet's slots, see UnetLora.Keep).
/// </summary>
public static class ImageLora
{
    /// <summary>
    /// Trains on <paramref name="image"/> (H,W,3) uint8. <paramref name="draws"/> gives each step's randomness (null =
    /// from a generator seeded with the settings' seed, drawn in the reference's order); <paramref name="init"/> may set
    /// the adapters' starting values by parameter name (a recorded run's). Returns each step's loss.
    /// </summary>
    public static List<double> Train(StableDiffusionModel model, Tensor image, Tensor context, LoraSettings settings,
        Func<int, LoraDraws>? draws = null, Action<IReadOnlyList<(string Name, Parameter P)>>? init = null,
        Action<int, double, IReadOnlyList<(string Name, Parameter P)>>? onStep = null, CancellationToken cancel = default)
    {
        var unet = model.Unet;
        var parameters = Attach(unet, settings.Rank, settings.Seed);
        using var frozen = Frozen.AllBut(unet, parameters.Select(p => p.P));   // only the adapters train
        init?.Invoke(parameters);
        int resolution = settings.Resolution ?? model.NativeSize;
        using var resized = ResizeShorter(image, resolution);
        long h = resized.shape[0], w = resized.shape[1];
        var schedule = DdimSchedule.From(model.SchedulerConfig);
        using var alphas = tensor(schedule.AlphasCumprod);
        using var generator = new Generator((ulong)settings.Seed + 1);
        long latentSide = resolution / 8;
        draws ??= _ => Draw(generator, settings.Batch, h - resolution, w - resolution, [settings.Batch, 4, latentSide, latentSide], schedule.TrainSteps);
        using var batchContext = context.to(model.DType, model.Device).expand(settings.Batch, -1, -1).contiguous();
        float scaling = (float)model.Vae.Config.ScalingFactor;
        bool v = schedule.PredictionType == "v_prediction";
        int micro = DragMemory.MicroBatch(settings, DragMemory.PerCellMiB(unet.Config.BlockOutChannels[0], model.DType == float32 ? 4 : 2), resolution);

        return Minimize.Run(parameters, step =>
        {
            var d = draws(step);
            var crops = Enumerable.Range(0, settings.Batch).Select(i =>
                resized.narrow(0, d.Tops[i], resolution).narrow(1, d.Lefts[i], resolution)).ToArray();
            var pixels = stack(crops, 0).permute(0, 3, 1, 2).to(float32).div(255f).sub(0.5f).div(0.5f);
            Tensor latents;
            using (no_grad())
            {
                var (mean, logvar) = model.Vae.Encode(pixels.to(model.DType, model.Device));
                latents = (mean.to(float32) + (logvar.to(float32) * 0.5f).exp() * d.PosteriorNoise.to(model.Device)) * scaling;
            }
            using var t = tensor(d.Timesteps, device: model.Device);
            var noise = d.Noise.to(model.Device);
            return BatchLoss(unet, latents, noise, t, alphas, batchContext, v, micro);
        }, settings.Steps, settings.LearningRate, settings.WeightDecay, onStep: (step, loss) =>
        {
            onStep?.Invoke(step, loss, parameters);
            return true;
        }, cancel);
    }

    /// <summary>
    /// The batch's mean <see cref="StepLoss"/> in micro-batches of <paramref name="micro"/>: every part but the last is
    /// back-propagated here (gradients accumulate), so only one part's activations are alive at a time; the caller's
    /// backward of the returned loss (the last part plus the others' detached values) completes the batch's gradient.
    /// </summary>
    public static Tensor BatchLoss(UNet2DConditionModel unet, Tensor latents, Tensor noise, Tensor timesteps, Tensor alphasCumprod, Tensor context,
        bool vPrediction, int micro)
    {
        long batch = latents.shape[0];
        micro = (int)Math.Clamp(micro, 1, batch);
        Tensor? done = null;
        for (long start = 0; ; start += micro)
        {
            long n = Math.Min(micro, batch - start);
            Tensor Part() => StepLoss(unet, latents.narrow(0, start, n), noise.narrow(0, start, n), timesteps.narrow(0, start, n), alphasCumprod,
                context.narrow(0, start, n), vPrediction) * ((float)n / batch);
            if (start + n >= batch)
            {
                var last = Part();
                return done is null ? last : last + done;
            }
            // Every tensor TorchSharp made for this part (the forward's outputs, held by their handles) goes with its
            // scope once its gradient is in: what keeps only one part alive at a time.
            Tensor value;
            using (var scope = NewDisposeScope())
            {
                var part = Part();
                part.backward();
                value = part.detach().clone().MoveToOuterDisposeScope();
            }
            done = done is null ? value : done + value;
        }
    }

    /// <summary>
    /// SD's training loss at one step: x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε (DDPMScheduler.add_noise), MSE of the UNet's output to ε
    /// (or to v for v-prediction models), on the graph of the UNet's trainable parameters.
    /// </summary>
    public static Tensor StepLoss(UNet2DConditionModel unet, Tensor latents, Tensor noise, Tensor timesteps, Tensor alphasCumprod, Tensor context, bool vPrediction)
    {
        var a = alphasCumprod.to(latents.device).index_select(0, timesteps).view(-1, 1, 1, 1);
        var noisy = a.sqrt() * latents + (1f - a).sqrt() * noise;
        var target = vPrediction ? a.sqrt() * noise - (1f - a).sqrt() * latents : noise;
        var dtype = unet.parameters().First().dtype;
        var pred = unet.Forward(noisy.to(dtype), timesteps, context.to(dtype)).to(float32);
        return F.mse_loss(pred, target);
    }

    /// <summary>Fresh adapters on every attention, named as the reference's parameters (…to_q.lora_layer.down.weight).</summary>
    public static IReadOnlyList<(string Name, Parameter P)> Attach(UNet2DConditionModel unet, int rank, long seed)
    {
        UnetLora.Create(unet, rank);
        using var generator = new Generator((ulong)seed);
        var named = new List<(string, Parameter)>();
        using var _ = no_grad();
        foreach (var a in unet.Attentions)
            foreach (var proj in new[] { "to_q", "to_k", "to_v", "to_out.0" })
                foreach (var (name, p) in a.Lora!.Adapters[proj].named_parameters())
                {
                    if (name == "down.weight") p.normal_(0, 1.0 / rank, generator: generator);
                    named.Add(($"{a.Path}.{proj}.lora_layer.{name}", p));
                }
        return named;
    }

    /// <summary>Each step's randomness in the reference's order: crop corners (only when there is room), posterior noise, noise, timesteps.</summary>
    private static LoraDraws Draw(Generator g, int batch, long roomH, long roomW, long[] latentShape, int trainSteps)
    {
        var tops = new long[batch];
        var lefts = new long[batch];
        for (int i = 0; i < batch; i++)
        {
            if (roomH == 0 && roomW == 0) continue;
            tops[i] = randint(0, roomH + 1, [1], generator: g).item<long>();
            lefts[i] = randint(0, roomW + 1, [1], generator: g).item<long>();
        }
        var posterior = randn(latentShape, generator: g);
        var noise = randn(latentShape, generator: g);
        var timesteps = randint(0, trainSteps, [batch], generator: g).data<long>().ToArray();
        return new LoraDraws(tops, lefts, posterior, noise, timesteps);
    }

    /// <summary>(H,W,3) uint8 with its shorter side resized to <paramref name="side"/> (bilinear, antialiased, back to uint8 as PIL).</summary>
    private static Tensor ResizeShorter(Tensor image, int side)
    {
        long h = image.shape[0], w = image.shape[1];
        if (Math.Min(h, w) == side) return image.alias();
        using var scope = NewDisposeScope();
        double s = (double)side / Math.Min(h, w);
        long nh = h <= w ? side : (long)(h * s), nw = w <= h ? side : (long)(w * s);
        var x = image.permute(2, 0, 1).unsqueeze(0).to(float32);
        var r = F.interpolate(x, size: [nh, nw], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return r[0].permute(1, 2, 0).round().clamp(0, 255).to(uint8).contiguous().MoveToOuterDisposeScope();
    }
}
