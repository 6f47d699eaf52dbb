using static TorchSharp.torch;

namespace Motive.Models.Blocks;

/// <summary>
/// One attention call as a controller sees it: the module's state-dict path (e.g.
/// "up_blocks.1.attentions.0.transformer_blocks.0.attn2"), whether it attends to the text (cross) or to the picture
/// (self), and its number of query positions (h·w of its level).
/// </summary>
public sealed record AttentionSite(string Path, bool IsCross, long Queries)
{
    /// <summary>down | mid | up: the part of the UNet the module sits in (Prompt-to-Prompt's place_in_unet).</summary>
    public string Place => Path.StartsWith("down", StringComparison.Ordinal) ? "down" : Path.StartsWith("mid", StringComparison.Ordinal) ? "mid" : "up";
}

/// <summary>
/// What a method wants to see inside a network during one forward pass: attention probabilities of chosen
/// attention calls (computed by the explicit softmax path), which it may replace (Prompt-to-Prompt), and intermediate
/// outputs of chosen modules, which it may also replace (DragDiffusion reads them).
/// Module paths are the state-dict prefixes, e.g. "up_blocks.1.attentions.0.transformer_blocks.0.attn1".
/// </summary>
public sealed class NetworkHooks
{
    /// <summary>Use softmax(QKᵀ/√d)·V everywhere instead of fused attention (the reference's "classic" path).</summary>
    public bool ExplicitAttention { get; init; }

    /// <summary>
    /// Which attention calls go through the explicit path and hand their probabilities to <see cref="OnAttentionProbs"/>;
    /// the others stay fused (so a controller that touches few calls keeps most of the fused speed).
    /// </summary>
    public Func<AttentionSite, bool>? CaptureProbs { get; init; }

    /// <summary>
    /// Called with the probabilities softmax(QKᵀ/√d) (B, heads, Nq, Nk) of a captured call; returns the probabilities
    /// that multiply V (the same tensor to only read).
    /// </summary>
    public Func<AttentionSite, Tensor, Tensor>? OnAttentionProbs { get; init; }

    /// <summary>
    /// True when <see cref="OnAttentionProbs"/> keeps nothing it is handed or makes beyond its call (it copies out what
    /// it stores): each transformer may then free its intermediates as a plain pass does.
    /// </summary>
    public bool ProbsHandlerKeepsNothing { get; init; }

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
    internal bool ReachesIntoAttention => (CaptureProbs is not null && !ProbsHandlerKeepsNothing) || CaptureQueryKeys is not null || SelfAttentionKeyValues is not null;
}

/// <summary>Holder through which a model's modules see the hooks of the current call.</summary>
public sealed class HookSlot
{
    public NetworkHooks? Current { get; set; }
}
