using static TorchSharp.torch;

namespace Motive.Models.Blocks;

/// <summary>
/// What a method wants to see inside a network during one forward pass: attention probabilities of chosen
/// attention modules (computed by the explicit softmax path) and intermediate outputs of chosen modules,
/// which it may also replace (Guide-and-Rescale and DragDiffusion read; later methods may steer).
/// Module paths are the state-dict prefixes, e.g. "up_blocks.1.attentions.0.transformer_blocks.0.attn1".
/// </summary>
public sealed class NetworkHooks
{
    /// <summary>Use softmax(QKᵀ/√d)·V everywhere instead of fused attention (the reference's "classic" path).</summary>
    public bool ExplicitAttention { get; init; }

    /// <summary>Which attention modules report their probabilities (B, heads, Nq, Nk).</summary>
    public Func<string, bool>? CaptureProbs { get; init; }

    public Action<string, Tensor>? OnAttentionProbs { get; init; }

    /// <summary>
    /// Which attention modules report their queries and keys (B, heads, N, d), split into heads, before the 1/√d scale:
    /// the probabilities softmax(QKᵀ/√d) without forming them, so that a method can compare maps a block of rows at a
    /// time (the attention itself stays fused).
    /// </summary>
    public Func<string, bool>? CaptureQueryKeys { get; init; }

    public Action<string, Tensor, Tensor>? OnQueryKeys { get; init; }

    /// <summary>
    /// Self-attention only: called with the module path and this call's keys and values (B, N, C), projected, before
    /// the heads split; returns the keys and values to attend over instead (the same pair to only read). Mutual
    /// self-attention (DragDiffusion's final denoising, MasaCtrl) lets the edited branch attend over the source's.
    /// </summary>
    public Func<string, Tensor, Tensor, (Tensor Keys, Tensor Values)>? SelfAttentionKeyValues { get; init; }

    /// <summary>Called with a module path and its output; returns the output to use (the same tensor to only read).</summary>
    public Func<string, Tensor, Tensor>? OnFeature { get; init; }

    internal Tensor Feature(string path, Tensor output) => OnFeature is null ? output : OnFeature(path, output);

    /// <summary>Whether a handler is called from inside attention (it may keep what it is handed, or make tensors there).</summary>
    internal bool ReachesIntoAttention => CaptureProbs is not null || CaptureQueryKeys is not null || SelfAttentionKeyValues is not null;
}

/// <summary>Holder through which a model's modules see the hooks of the current call.</summary>
public sealed class HookSlot
{
    public NetworkHooks? Current { get; set; }
}
