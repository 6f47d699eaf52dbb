using Motive.Models.Loading;
using Motive.Sampling.Ddim;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Sampling.Pipelines;

/// <summary>What to generate. <see cref="Latents"/> (1,4,H/8,W/8) replaces the seeded starting noise when given.</summary>
public sealed record Txt2ImgRequest(string Prompt, string NegativePrompt = "", int Width = 512, int Height = 512, int Steps = 50,
    double GuidanceScale = 7.5, double Eta = 0, long Seed = 0, Tensor? Latents = null);

/// <summary>The image [1,3,H,W] in [0,1] (float32, CPU) and the final latents (scaled, as the UNet sees them).</summary>
public sealed record Txt2ImgResult(Tensor Image, Tensor Latents) : IDisposable
{
    public void Dispose()
    {
        Image.Dispose();
        Latents.Dispose();
    }
}

/// <summary>Stable Diffusion text-to-image with DDIM and classifier-free guidance, as diffusers' pipeline does it.</summary>
public static class Txt2Img
{
    public static Txt2ImgResult Run(StableDiffusionModel model, Txt2ImgRequest r, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        if (r.Width % 8 != 0 || r.Height % 8 != 0) throw new ArgumentException($"width and height must be multiples of 8, got {r.Width}x{r.Height}");
        var schedule = DdimSchedule.From(model.SchedulerConfig);
        var timesteps = schedule.Timesteps(r.Steps);
        using var _ = no_grad();
        var gen = new Generator((ulong)r.Seed);
        bool cfg = r.GuidanceScale > 1.0;
        using var cond = Prompts.Encode(model, r.Prompt);
        using var uncond = cfg ? Prompts.Encode(model, r.NegativePrompt) : null;
        using var context = cfg ? cat([uncond!, cond], 0) : cond.alias();

        long h = r.Height / 8, w = r.Width / 8;
        var latents = r.Latents is { } given
            ? CheckLatents(given, h, w).to(model.DType, model.Device)
            : randn([1, 4, h, w], generator: gen).to(model.DType, model.Device);
        for (int i = 0; i < timesteps.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long t = timesteps[i];
            var input = cfg ? cat([latents, latents], 0) : latents;
            var output = model.Unet.Forward(input, tensor(t, device: model.Device), context).to(float32);
            if (cfg)
            {
                var parts = output.chunk(2, 0);
                output = parts[0] + (parts[1] - parts[0]) * r.GuidanceScale;
            }
            var noise = r.Eta > 0 ? randn(latents.shape, generator: gen).to(model.Device) : null;
            var (prev, _) = DdimMath.Step(latents.to(float32), output, schedule.Alpha(t), schedule.Alpha(DdimSchedule.Previous(timesteps, i)),
                r.Eta, schedule.PredictionType, noise);
            var next = prev.to(model.DType).MoveToOuterDisposeScope();
            latents.Dispose();
            latents = next;
            onStep?.Invoke(i + 1, timesteps.Length);
        }
        var image = Decode(model, latents);
        return new Txt2ImgResult(image, latents.to(float32, CPU));
    }

    /// <summary>Scaled latents → image [1,3,H,W] in [0,1], float32 on the CPU.</summary>
    public static Tensor Decode(StableDiffusionModel model, Tensor latents)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = model.Vae.Decode(latents.to(model.DType) / model.Vae.Config.ScalingFactor).to(float32);
        return (x / 2 + 0.5).clamp(0, 1).to(CPU).MoveToOuterDisposeScope();
    }

    private static Tensor CheckLatents(Tensor l, long h, long w)
    {
        if (l.dim() != 4 || l.shape[0] != 1 || l.shape[1] != 4 || l.shape[2] != h || l.shape[3] != w)
            throw new ArgumentException($"starting latents must be [1, 4, {h}, {w}] for this size, got [{string.Join(", ", l.shape)}]");
        return l;
    }
}
