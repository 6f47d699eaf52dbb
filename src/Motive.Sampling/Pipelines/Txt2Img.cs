using Motive.Models.Loading;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Sampling.Pipelines;

/// <summary>
/// What to generate. <see cref="Latents"/> (1,4,H/8,W/8) replaces the seeded starting noise when given.
/// With <see cref="InitImage"/> ([1,3,H,W] in [-1,1]) it is image-to-image (SDEdit): the image is noised to
/// <see cref="Strength"/> of the schedule and denoised from there.
/// </summary>
public sealed record Txt2ImgRequest(string Prompt, string NegativePrompt = "", int Width = 512, int Height = 512, int Steps = 50,
    double GuidanceScale = 7.5, double Eta = 0, long Seed = 0, Tensor? Latents = null, Tensor? InitImage = null, double Strength = 0.8);

/// <summary>The image [1,3,H,W] in [0,1] (float32, CPU) and the final latents (scaled, as the UNet sees them).</summary>
public sealed record Txt2ImgResult(Tensor Image, Tensor Latents) : IDisposable
{
    public void Dispose()
    {
        Image.Dispose();
        Latents.Dispose();
    }
}

/// <summary>Stable Diffusion text-to-image (and image-to-image) with DDIM and classifier-free guidance, as diffusers does it.</summary>
public static class Txt2Img
{
    public static Txt2ImgResult Run(StableDiffusionModel model, Txt2ImgRequest r, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        if (r.Width % 8 != 0 || r.Height % 8 != 0) throw new ArgumentException($"width and height must be multiples of 8, got {r.Width}x{r.Height}");
        var schedule = DdimSchedule.From(model.SchedulerConfig);
        var timesteps = schedule.Timesteps(r.Steps);
        var gen = new Generator((ulong)r.Seed);
        using var cond = new Conditioning(model, r.Prompt, r.NegativePrompt, r.GuidanceScale);
        long h = r.Height / 8, w = r.Width / 8;
        Tensor start;
        if (r.InitImage is { } image)
        {
            if (r.Strength is <= 0 or > 1) throw new ArgumentException($"strength must be in (0, 1], got {r.Strength}");
            int keep = Math.Min((int)(r.Steps * r.Strength), r.Steps);
            if (keep == 0) throw new ArgumentException($"strength {r.Strength} with {r.Steps} steps leaves no step to run");
            timesteps = timesteps[(r.Steps - keep)..];
            using var z0 = Latents.Encode(model, image);
            using var noise = randn(z0.shape, generator: gen).to(model.Device);
            float a = schedule.Alpha(timesteps[0]);
            start = z0 * MathF.Sqrt(a) + noise * MathF.Sqrt(1 - a);   // q(x_t | x_0)
        }
        else
        {
            start = r.Latents is { } given ? CheckLatents(given, h, w).to(float32) : randn([1, 4, h, w], generator: gen);
        }
        using (start)
        {
            var latents = DdimSampler.Sample(model, schedule, timesteps, start, cond, r.Eta, gen, onStep, cancel);
            return new Txt2ImgResult(Latents.Decode(model, latents), latents.to(CPU));
        }
    }

    private static Tensor CheckLatents(Tensor l, long h, long w)
    {
        if (l.dim() != 4 || l.shape[0] != 1 || l.shape[1] != 4 || l.shape[2] != h || l.shape[3] != w)
            throw new ArgumentException($"starting latents must be [1, 4, {h}, {w}] for this size, got [{string.Join(", ", l.shape)}]");
        return l;
    }
}
