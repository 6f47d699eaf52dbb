using Motive.Guidance.Sampler;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// The inputs of one Motion Guidance edit, as the reference's example folder holds them: the source image (1,3,H,W)
/// in [-1,1], the target flow (1,2,H,W), the keep mask (1,4,h,w) bool (True = copy the reference latent = outside the
/// edit; null = edit everywhere), z_T, and the cached trajectory (steps,1,4,h,w), noisiest first (null = re-noise the
/// encoded source afresh).
/// </summary>
public sealed record MotionGuidanceInputs(Tensor Source, Tensor TargetFlow, Tensor? KeepMask, Tensor StartLatent, Tensor? CachedLatents);

/// <summary>Runs the guided sampler with the motion energy, exactly as DDIMSamplerWithGrad.sample (doc §2.3).</summary>
public static class MotionGuidanceRun
{
    /// <summary>The DDIM schedule Motion Guidance uses: "uniform" timesteps, ᾱ_prev of the last step = ᾱ[0].</summary>
    public static DdimSchedule Schedule(StableDiffusionModel model)
    {
        var s = DdimSchedule.From(model.SchedulerConfig).WithSpacing(TimestepSpacing.Uniform);
        return s with { FinalAlphaCumprod = s.AlphasCumprod[0] };
    }

    /// <summary>The final latent (1,4,h,w); per-evaluation numbers go to <paramref name="trace"/>.</summary>
    public static Tensor Run(StableDiffusionModel model, RaftModel raft, Conditioning cond, MotionGuidanceInputs inputs,
        MotionGuidanceSettings settings, INoiseSource noise, GuidanceTrace trace,
        Action<GuidedEvaluation>? onEvaluation = null, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        var schedule = Schedule(model);
        var timesteps = schedule.Timesteps(settings.Steps);
        if (inputs.CachedLatents is { } c && c.shape[0] < timesteps.Length)
            throw new ArgumentException($"the cached trajectory has {c.shape[0]} latents, the run needs {timesteps.Length} (one per step)");
        raft.to(model.Device);
        // The energy keeps its own float32 copies; these device copies would otherwise wait for the GC (GPU memory).
        using var source = inputs.Source.to(model.Device);
        using var targetFlow = inputs.TargetFlow.to(model.Device);
        using var energy = new MotionEnergy(raft, source, targetFlow, settings.EnergyOptions);
        using var sourceLatent = inputs.KeepMask is not null && inputs.CachedLatents is null ? Latents.Encode(model, inputs.Source) : null;
        var options = new GuidedSamplerOptions
        {
            Timesteps = timesteps,
            Recursions = settings.Recursions,
            Eta = settings.Eta,
            KeepMask = inputs.KeepMask,
            ReferenceLatents = inputs.CachedLatents,
            SourceLatent = sourceLatent,
            ExplicitAttention = settings.ExplicitAttention,
            LeanMemory = settings.LeanMemory,
        };
        var term = new GuidanceTerm(energy, settings.GuidanceWeight, settings.Schedule);
        var rule = new GuidanceRule(cond.GuidanceScale, settings.ClipGrad);
        return GuidedDdimSampler.Sample(new UnetDenoiser(model, cond), rule, schedule, inputs.StartLatent, [term], options, noise, trace, onEvaluation, onStep, cancel);
    }
}
