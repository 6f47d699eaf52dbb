using Motive.Guidance.Sampler;
using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>One classifier-guided picture: its image (1,3,H,W) in [0,1] on the CPU and the classifier's probabilities of every class on it.</summary>
public sealed record GuidedSample(Tensor Image, float[] Probabilities) : IDisposable
{
    public void Dispose() => Image.Dispose();
}

/// <summary>
/// Samples one picture with the guided DDIM sampler and the classifier energy weighted by the scale (diffusers'
/// DDIM schedule, as text-to-image samples; with x0_steps, the gradient steps on x̂₀ of <see cref="X0Guidance"/>): the
/// start noise from the seed, the recursion noise from the seed too.
/// Scale 0 leaves the energy out, so it is plain DDIM (with recursions) from the same noise.
/// </summary>
public static class ClassifierGuidanceRun
{
    public static GuidedSample Sample(StableDiffusionModel model, PictureClassifier classifier, int target, string prompt,
        ClassifierGuidanceSettings settings, int size, long seed, GuidanceTrace trace,
        Action<GuidedEvaluation>? onEvaluation = null, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        var schedule = DdimSchedule.From(model.SchedulerConfig);
        using var cond = new Conditioning(model, prompt, "", settings.Cfg);
        using var noise = new SeededNoise(seed);
        using var start = randn([1, 4, size / 8, size / 8], generator: new Generator((ulong)seed));
        classifier.to(model.Device);
        var energy = new ClassifierEnergy(classifier, target);
        IReadOnlyList<GuidanceTerm> terms = settings.Scale > 0 ? [new GuidanceTerm(energy, settings.Scale)] : [];
        var options = new GuidedSamplerOptions
        {
            Timesteps = schedule.Timesteps(settings.Steps),
            Recursions = settings.Recursions,
            LeanMemory = settings.LeanMemory,
            X0Steps = settings.X0Steps,
        };
        var rule = new GuidanceRule(settings.Cfg, settings.ClipGrad);
        using var latent = GuidedDdimSampler.Sample(new UnetDenoiser(model, cond), rule, schedule, start, terms, options, noise, trace, onEvaluation, onStep, cancel);
        var image = Latents.Decode(model, latent);
        return new GuidedSample(image, Probabilities(classifier, image));
    }

    /// <summary>The classifier's class probabilities on a picture (1,3,H,W) in [0,1].</summary>
    public static float[] Probabilities(PictureClassifier classifier, Tensor image01)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var device = classifier.parameters().First().device;
        return classifier.forward(image01.to(float32).to(device) * 2 - 1).softmax(1)[0].cpu().data<float>().ToArray();
    }
}
