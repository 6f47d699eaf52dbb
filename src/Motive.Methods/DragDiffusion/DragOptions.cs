namespace Motive.Methods.DragDiffusion;

/// <summary>
/// A drag request's settings as JSON, each optional: what a request leaves out comes from the model's preset
/// (motive.json, "drag"), then from the reference (<see cref="Reference"/>). A resolved request has all of them.
/// </summary>
public sealed record DragOptions
{
    /// <summary>The width the edit runs at (height by the aspect; sides to multiples of 8); null = the model's native size, as the reference's 512.</summary>
    public int? Width { get; init; }
    public int? Steps { get; init; }
    public double? InversionStrength { get; init; }
    public int[]? FeatureIndices { get; init; }
    public int? MotionRadius { get; init; }
    public int? TrackRadius { get; init; }
    public double? Lambda { get; init; }
    public double? LatentLr { get; init; }
    public int? MaxIterations { get; init; }
    /// <summary>Classifier-free guidance of the drag and the denoising; null = the reference's per source: 1 for real pictures, 7.5 for generated ones.</summary>
    public double? Cfg { get; init; }
    public int? StartStep { get; init; }
    public int? StartLayer { get; init; }
    public int? LoraSteps { get; init; }
    public int? LoraRank { get; init; }
    public double? LoraLr { get; init; }
    public int? LoraBatch { get; init; }
    /// <summary>Copies of the picture per LoRA forward pass (gradients accumulated to the batch's; 1 needs a quarter of batch 4's memory); null = automatic.</summary>
    public int? LoraMicroBatch { get; init; }
    public int? LoraResolution { get; init; }
    public long? LoraSeed { get; init; }

    /// <summary>The reference's numbers (drag_ui.py and utils/ui_utils.py, lora_utils.py).</summary>
    public static DragOptions Reference { get; } = new()
    {
        Steps = 50, InversionStrength = 0.7, FeatureIndices = [3], MotionRadius = 1, TrackRadius = 3, Lambda = 0.1, LatentLr = 0.01,
        MaxIterations = 80, StartStep = 0, StartLayer = 10, LoraSteps = 80, LoraRank = 16, LoraLr = 5e-4, LoraBatch = 4, LoraSeed = 0,
    };

    /// <summary>Checks a resolved set and turns it into the run's settings.</summary>
    public DragSettings ToSettings()
    {
        int steps = Steps!.Value;
        if (steps is < 1 or > 1000) throw new ArgumentException($"steps must be between 1 and 1000, got {steps}");
        double strength = InversionStrength!.Value;
        if (!(strength > 0 && strength <= 1)) throw new ArgumentException($"inversion_strength must be in (0, 1], got {strength}");
        int inverted = (int)Math.Round(strength * steps, MidpointRounding.ToEven);
        if (inverted < 1) throw new ArgumentException($"inversion_strength {strength} of {steps} steps inverts no step");
        if (Width is < 16 or > Editing.EditLimits.MaxSide) throw new ArgumentException($"width must be between 16 and {Editing.EditLimits.MaxSide}, got {Width}");
        if (FeatureIndices is not { Length: > 0 } f || f.Any(i => i is < 0 or > 4)) throw new ArgumentException("feature_indices must list UNet feature indices 0 (mid block) to 4 (last up block)");
        Positive("motion_radius", MotionRadius!.Value, 0);
        Positive("track_radius", TrackRadius!.Value, 0);
        Positive("max_iterations", MaxIterations!.Value, 0);
        Positive("start_step", StartStep!.Value, 0);
        Positive("start_layer", StartLayer!.Value, 0);
        Positive("lora_steps", LoraSteps!.Value, 0);
        Positive("lora_rank", LoraRank!.Value, 1);
        Positive("lora_batch", LoraBatch!.Value, 1);
        if (LoraMicroBatch is < 1) throw new ArgumentException($"lora_micro_batch must be at least 1, got {LoraMicroBatch}");
        if (LoraResolution is < 8 or > Editing.EditLimits.MaxSide) throw new ArgumentException($"lora_resolution must be between 8 and {Editing.EditLimits.MaxSide}, got {LoraResolution}");
        foreach (var (name, v) in new[] { ("lambda", Lambda), ("latent_lr", LatentLr), ("cfg", Cfg), ("lora_lr", LoraLr) })
            if (!double.IsFinite(v!.Value) || v < 0) throw new ArgumentException($"{name} must be a finite number ≥ 0, got {v}");
        return new DragSettings
        {
            Steps = steps, InvertedSteps = inverted, FeatureIndices = f, MotionRadius = MotionRadius.Value, TrackRadius = TrackRadius.Value,
            Lambda = Lambda!.Value, LatentLearningRate = LatentLr!.Value, MaxIterations = MaxIterations.Value, Cfg = Cfg!.Value,
            StartStep = StartStep.Value, StartLayer = StartLayer.Value,
            Lora = new LoraSettings
            {
                Rank = LoraRank.Value, Steps = LoraSteps.Value, LearningRate = LoraLr!.Value, Batch = LoraBatch.Value, MicroBatch = LoraMicroBatch, Resolution = LoraResolution, Seed = LoraSeed!.Value,
            },
        };
    }

    private static void Positive(string name, int value, int least)
    {
        if (value < least) throw new ArgumentException($"{name} must be at least {least}, got {value}");
    }
}
