using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>An energy with its weight and per-step multipliers (indexed by the DDIM step counter, 0 = noisiest).</summary>
public sealed record GuidanceTerm(IEnergy Energy, double Weight, IReadOnlyList<double>? Schedule = null)
{
    public double WeightAt(int step) => Weight * (Schedule is null ? 1 : Schedule[Math.Min(step, Schedule.Count - 1)]);
}

/// <summary>
/// Settings of one guided run (Motion Guidance's defaults: 10 recursions, eta 0; the clip belongs to its guidance rule). The keep mask (1,4,h,w)
/// marks latent cells copied from <see cref="ReferenceLatents"/> (True = kept, outside the edit); reference latents
/// are either one per step (cached trajectory, noisiest first) or, when null, the source latents re-noised with fresh
/// noise at each recursion (<see cref="SourceLatent"/>).
/// </summary>
public sealed record GuidedSamplerOptions
{
    public required long[] Timesteps { get; init; }
    public int Recursions { get; init; } = 10;
    public double Eta { get; init; }
    public Tensor? KeepMask { get; init; }
    public Tensor? ReferenceLatents { get; init; }
    public Tensor? SourceLatent { get; init; }
    /// <summary>Use softmax(QKᵀ)V attention (the reference's path) instead of fused attention.</summary>
    public bool ExplicitAttention { get; init; }
    /// <summary>Take ∇E in parts, each with its own graph (<see cref="LeanGradient"/>): the same gradient at the memory of the largest part, for one more forward pass.</summary>
    public bool LeanMemory { get; init; }
    /// <summary>
    /// 0: fold ∇E into ε̂ (the guidance rule; Motion Guidance). n &gt; 0: refine x̂₀ by n gradient steps and step from it
    /// with the denoiser's ε̂ (<see cref="X0Guidance"/>; η must be 0, lean memory has nothing to save there).
    /// </summary>
    public int X0Steps { get; init; }
}
