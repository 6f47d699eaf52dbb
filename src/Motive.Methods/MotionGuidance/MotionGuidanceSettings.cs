
namespace Motive.Methods.MotionGuidance;

/// <summary>
/// Every knob of Motion Guidance's generate.py, with its defaults: 500 DDIM steps ("uniform" spacing), 10
/// recursions, CFG 7.5, guidance weight 300, colour 100, flow 3, clip 200, occlusion masking on, eta 0.
/// </summary>
public sealed record MotionGuidanceSettings
{
    public int Steps { get; init; } = 500;
    public int Recursions { get; init; } = 10;
    public double Cfg { get; init; } = 7.5;
    public double GuidanceWeight { get; init; } = 300;
    public double ColorWeight { get; init; } = 100;
    public double FlowWeight { get; init; } = 3;
    public double ClipGrad { get; init; } = 200;
    public bool OcclusionMasking { get; init; } = true;
    public bool OracleFlow { get; init; }
    public double Eta { get; init; }
    public int RaftIterations { get; init; } = 5;
    /// <summary>Per-step multipliers of the guidance weight, indexed by step counter (0 = noisiest); null = all ones.</summary>
    public IReadOnlyList<double>? Schedule { get; init; }
    /// <summary>Explicit softmax attention (the reference's path); fused attention otherwise.</summary>
    public bool ExplicitAttention { get; init; }
    /// <summary>∇E a part at a time (<see cref="Motive.Guidance.Sampler.GuidedSamplerOptions.LeanMemory"/>).</summary>
    public bool LeanMemory { get; init; }

    public MotionEnergyOptions EnergyOptions => new(ColorWeight, FlowWeight, OcclusionMasking, OracleFlow, RaftIterations);
}
