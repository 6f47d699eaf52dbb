namespace Motive.Methods.MotionGuidance;

/// <summary>
/// The settings of a request as JSON, each optional: what a request leaves out comes from the model's preset
/// (motive.json), then from the reference (<see cref="Reference"/>: generate.py's defaults). A resolved request has
/// all of them, so its run.json replays the same run whatever the presets become.
/// </summary>
public sealed record MotionGuidanceOptions
{
    public int? Steps { get; init; }
    public int? Recursions { get; init; }
    public double? Cfg { get; init; }
    public double? GuidanceWeight { get; init; }
    public double? ColorWeight { get; init; }
    public double? FlowWeight { get; init; }
    public double? ClipGrad { get; init; }
    public bool? OcclusionMasking { get; init; }
    public bool? OracleFlow { get; init; }
    public double? Eta { get; init; }
    public int? RaftIters { get; init; }
    /// <summary>ones | linear:A:B | until:F | a .npy file (see <see cref="GuidanceScheduleSpec"/>).</summary>
    public string? GuidanceSchedule { get; init; }
    public bool? ExplicitAttention { get; init; }
    /// <summary>Take the energy's gradient a part at a time (decoder checkpointed, CFG branches apart): the same edit in less memory, about a third slower.</summary>
    public bool? LeanMemory { get; init; }
    /// <summary>Dilation of the automatic edit region, in latent cells.</summary>
    public int? MaskMargin { get; init; }
    /// <summary>Copy the cached trajectory outside the edit (true, as every reference example) or re-noise the source afresh.</summary>
    public bool? UseCachedLatents { get; init; }
    /// <summary>Start from the source's z_T (true) or fresh seeded noise.</summary>
    public bool? InitStartZt { get; init; }
    /// <summary>Every N steps save the decoded x̂₀ and RAFT's flow of it (0 = never).</summary>
    public int? LogFreq { get; init; }

    /// <summary>generate.py's defaults: 500 steps × 10 recursions, CFG 7.5, weight 300, colour 100, flow 3, clip 200, margin 1.</summary>
    public static MotionGuidanceOptions Reference { get; } = new()
    {
        Steps = 500, Recursions = 10, Cfg = 7.5, GuidanceWeight = 300, ColorWeight = 100, FlowWeight = 3, ClipGrad = 200,
        OcclusionMasking = true, OracleFlow = false, Eta = 0, RaftIters = 5, GuidanceSchedule = "ones", ExplicitAttention = false, LeanMemory = false,
        MaskMargin = 1, UseCachedLatents = true, InitStartZt = true, LogFreq = 0,
    };

    /// <summary>These settings over <paramref name="under"/>: each left-out one taken from it.</summary>
    public MotionGuidanceOptions Over(MotionGuidanceOptions under) => Editing.SettingsLayers.Over(this, under);

    /// <summary>Checks a resolved set (every value present) and turns it into the sampler's settings.</summary>
    public MotionGuidanceSettings ToSettings(Func<string, string> resolveSchedule)
    {
        int steps = Steps!.Value;
        if (steps is < 1 or > 1000) throw new ArgumentException($"steps must be between 1 and 1000, got {steps}");
        if (Recursions < 1) throw new ArgumentException($"recursions must be at least 1, got {Recursions}");
        if (LogFreq < 0) throw new ArgumentException($"log_freq must be 0 or more, got {LogFreq}");
        if (MaskMargin < 0) throw new ArgumentException($"mask_margin must be 0 or more, got {MaskMargin}");
        if (RaftIters < 1) throw new ArgumentException($"raft_iters must be at least 1, got {RaftIters}");
        foreach (var (name, v) in new[] { ("cfg", Cfg), ("guidance_weight", GuidanceWeight), ("color_weight", ColorWeight), ("flow_weight", FlowWeight), ("clip_grad", ClipGrad), ("eta", Eta) })
            if (!double.IsFinite(v!.Value) || v < 0) throw new ArgumentException($"{name} must be a finite number ≥ 0, got {v}");
        var spec = GuidanceSchedule!;
        var schedule = GuidanceScheduleSpec.Parse(spec.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? resolveSchedule(spec) : spec, steps);
        return new MotionGuidanceSettings
        {
            Steps = steps, Recursions = Recursions!.Value, Cfg = Cfg!.Value, GuidanceWeight = GuidanceWeight!.Value, ColorWeight = ColorWeight!.Value,
            FlowWeight = FlowWeight!.Value, ClipGrad = ClipGrad!.Value, OcclusionMasking = OcclusionMasking!.Value, OracleFlow = OracleFlow!.Value,
            Eta = Eta!.Value, RaftIterations = RaftIters!.Value, Schedule = schedule, ExplicitAttention = ExplicitAttention!.Value,
            LeanMemory = LeanMemory ?? false,
        };
    }
}
