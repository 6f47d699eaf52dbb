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
            var a = alphas.to(model.Device).index_select(0, t).view(-1, 1, 1, 1);
            var noise = d.Noise.to(model.Device);
            var noisy = a.sqrt() * latents + (1f - a).sqrt() * noise;
            var target = v ? a.sqrt() * noise - (1f - a).sqrt() * latents : noise;
            var pred = unet.Forward(noisy.to(model.DType), t, batchContext).to(float32);
            return F.mse_loss(pred, target);
        }, settings.Steps, settings.LearningRate, settings.WeightDecay, onStep: (step, loss) =>
        {
            onStep?.Invoke(step, loss, parameters);
            return true;
        }, cancel);
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
