using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// The source of an edit as the guided sampler needs it: the image (1,3,H,W) in [-1,1], z_T, and the trajectory
/// (steps,1,4,h,w) whose entry i is the latent entering step i (noisiest first, as cached_latents[i] ↔ t = 999−2i).
/// </summary>
public sealed record MotionGuidanceSource(Tensor Image, Tensor StartLatent, Tensor? Trajectory) : IDisposable
{
    /// <summary>
    /// A generated source: DDIM from seeded noise with Motion Guidance's schedule and CFG, keeping z_T and every
    /// latent on the way (what the reference examples' start_zt.pth and latents/ hold).
    /// </summary>
    public static MotionGuidanceSource Generate(StableDiffusionModel model, string prompt, long seed, int width, int height,
        MotionGuidanceSettings settings, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        if (width % 64 != 0 || height % 64 != 0) throw new ArgumentException($"the size must be a multiple of 64 on both sides, got {width}x{height}");
        var schedule = MotionGuidanceRun.Schedule(model);
        var timesteps = schedule.Timesteps(settings.Steps);
        using var generator = new Generator((ulong)seed);
        var start = randn([1, 4, height / 8, width / 8], generator: generator);
        using var cond = new Conditioning(model, prompt, "", settings.Cfg);
        var states = new Tensor[timesteps.Length];
        using var final = DdimSampler.Sample(model, schedule, timesteps, start, cond, onStep: onStep, cancel: cancel,
            onLatent: (i, x) => states[i] = x.to(CPU).clone().DetachFromDisposeScope());
        var trajectory = stack(states, 0);
        foreach (var s in states) s.Dispose();
        using var image01 = Latents.Decode(model, final);
        return new MotionGuidanceSource(image01 * 2 - 1, start, trajectory);
    }

    /// <summary>
    /// A real image: DDIM inversion with Motion Guidance's schedule (the prompt describes the image; "" is fine), so
    /// that z_T and the trajectory are indexed as the sampler consumes them (doc §2.4).
    /// </summary>
    public static MotionGuidanceSource Invert(StableDiffusionModel model, Tensor image, string prompt, MotionGuidanceSettings settings,
        int refinements = 0, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        using var inv = Inversion.Invert(model, MotionGuidanceRun.Schedule(model), image, prompt, settings.Steps, 1.0, refinements, onStep, cancel);
        return new MotionGuidanceSource(image.to(float32).clone(), inv.Trajectory[0].clone(), inv.Trajectory.clone());
    }

    public void Dispose()
    {
        Image.Dispose();
        StartLatent.Dispose();
        Trajectory?.Dispose();
    }
}
