namespace Motive.Methods.ClassifierGuidance;

/// <summary>
/// The settings of a request as JSON, each optional: what a request leaves out comes from the model's preset
/// (motive.json), then from <see cref="Reference"/>. A resolved request has all of them, so its run.json replays the run.
/// </summary>
public sealed record ClassifierGuidanceOptions
{
    public int? Steps { get; init; }
    public int? Recursions { get; init; }
    public double? Cfg { get; init; }
    /// <summary>The guidance scale s: the energy is s · (−log p(target | D(x̂₀))).</summary>
    public double? Scale { get; init; }
    public double? ClipGrad { get; init; }
    /// <summary>0: ∇E folded into ε̂ (the sampler's rule); n &gt; 0: x̂₀ refined by n gradient steps a DDIM step, each clipped to clip_grad.</summary>
    public int? X0Steps { get; init; }
    public int? Samples { get; init; }
    /// <summary>Take the energy's gradient a part at a time (decoder checkpointed): the same pictures in less memory, a little slower.</summary>
    public bool? LeanMemory { get; init; }

    /// <summary>
    /// No published implementation fixes these: 50 DDIM steps, one recursion, no CFG (the prompt as given; the
    /// classifier does the steering), scale 3, no clipping, the gradient folded into ε̂, 4 samples. The toy model's
    /// preset (models/toy/motive.json) takes steps on x̂₀ with time travel instead: docs/classifier-guidance.md.
    /// </summary>
    public static ClassifierGuidanceOptions Reference { get; } = new() { Steps = 50, Recursions = 1, Cfg = 1, Scale = 3, ClipGrad = 0, X0Steps = 0, Samples = 4, LeanMemory = false };

    public const int MaxSamples = 64;

    /// <summary>Checks a resolved set (every value present) and turns it into the run's settings.</summary>
    public ClassifierGuidanceSettings ToSettings()
    {
        int steps = Steps!.Value, recursions = Recursions!.Value, samples = Samples!.Value;
        if (steps is < 1 or > 1000) throw new ArgumentException($"steps must be between 1 and 1000, got {steps}");
        if (recursions is < 1 or > 100) throw new ArgumentException($"recursions must be between 1 and 100, got {recursions}");
        int x0Steps = X0Steps ?? 0;
        if (x0Steps is < 0 or > 100) throw new ArgumentException($"x0_steps must be between 0 and 100, got {x0Steps}");
        if (samples is < 1 or > MaxSamples) throw new ArgumentException($"samples must be between 1 and {MaxSamples}, got {samples}");
        foreach (var (name, v) in new[] { ("cfg", Cfg), ("scale", Scale), ("clip_grad", ClipGrad) })
            if (!double.IsFinite(v!.Value) || v < 0) throw new ArgumentException($"{name} must be a finite number ≥ 0, got {v}");
        return new ClassifierGuidanceSettings(steps, recursions, Cfg!.Value, Scale!.Value, ClipGrad!.Value, samples, LeanMemory ?? false, x0Steps);
    }
}

/// <summary>A resolved, checked set of settings.</summary>
public sealed record ClassifierGuidanceSettings(int Steps, int Recursions, double Cfg, double Scale, double ClipGrad, int Samples, bool LeanMemory = false, int X0Steps = 0);
