using Motive.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Blocks;

/// <summary>
/// diffusers' Attention (the processor folded in): multi-head attention over tokens (B, N, C), self-attention
/// when no context is given. Fused (scaled_dot_product_attention) by default; the explicit path computes the
/// probabilities softmax(QKᵀ·scale) so that hooks can read or replace them. LoRA adapters wrap the four projections.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly Linear to_q, to_k, to_v;
    private readonly ModuleList<Linear> to_out;
    private readonly long heads;

    public Attention(long queryDim, long? contextDim, long heads, long headDim, bool bias) : base(nameof(Attention))
    {
        long inner = heads * headDim;
        this.heads = heads;
        to_q = nn.Linear(queryDim, inner, bias);
        to_k = nn.Linear(contextDim ?? queryDim, inner, bias);
        to_v = nn.Linear(contextDim ?? queryDim, inner, bias);
        to_out = new ModuleList<Linear>(nn.Linear(inner, queryDim, hasBias: true));
        RegisterComponents();
    }

    /// <summary>State-dict path, set by the owning network, used to address hooks.</summary>
    public string Path { get; set; } = "";

    public HookSlot? Hooks { get; set; }

    /// <summary>LoRA adapters (rank-r low-rank updates) per projection, applied when present.</summary>
    public LoraSet? Lora { get; set; }

    public Tensor Forward(Tensor x, Tensor? context = null)
    {
        var ctx = context ?? x;
        var q = Project(to_q, "to_q", x);
        var k = Project(to_k, "to_k", ctx);
        var v = Project(to_v, "to_v", ctx);
        var hooks = Hooks?.Current;
        if (context is null && hooks?.SelfAttentionKeyValues is { } replace) (k, v) = replace(Path, k, v);
        long b = x.shape[0], n = x.shape[1], m = k.shape[1], c = q.shape[2], d = c / heads;
        q = q.view(b, n, heads, d).transpose(1, 2);   // (B, h, N, d)
        k = k.view(b, m, heads, d).transpose(1, 2);   // (B, h, M, d)
        v = v.view(b, m, heads, d).transpose(1, 2);

        FlopCount.Attention(b * heads, n, m, d);
        var site = hooks?.CaptureProbs is null ? null : new AttentionSite(Path, context is not null, n);
        bool capture = site is not null && hooks!.CaptureProbs!(site);
        if (hooks?.CaptureQueryKeys?.Invoke(Path) == true) hooks.OnQueryKeys?.Invoke(Path, q, k);
        Tensor o;
        if (capture || hooks?.ExplicitAttention == true)
        {
            Tensor probs;
            using (var scores = matmul(q, k.transpose(-1, -2)))
            using (var scaled = scores.mul(1.0 / Math.Sqrt(d)))
                probs = scaled.softmax(-1);   // (B, h, N, M); the two N×M temporaries freed at once (a graph keeps what it needs)
            if (capture && hooks!.OnAttentionProbs is { } control) probs = control(site!, probs);
            o = matmul(probs, v);
        }
        else
        {
            o = F.scaled_dot_product_attention(q, k, v);
        }
        o = o.transpose(1, 2).reshape(b, n, c);
        return Project(to_out[0], "to_out.0", o);
    }

    private Tensor Project(Linear layer, string name, Tensor x)
    {
        var y = FlopCount.Linear(layer, x);
        return Lora?.Apply(name, x, y) ?? y;
    }
}
