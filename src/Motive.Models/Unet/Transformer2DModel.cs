using Motive.Models.Blocks;
using Motive.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Unet;

/// <summary>GEGLU feed-forward: net.0.proj (dim → 2·inner), a·gelu(gate), net.2 (inner → dim).</summary>
public sealed class FeedForward : nn.Module
{
    private readonly ModuleList<nn.Module> net;

    public FeedForward(long dim) : base(nameof(FeedForward))
    {
        long inner = dim * 4;
        net = new ModuleList<nn.Module>(new Geglu(dim, inner), nn.Dropout(0), nn.Linear(inner, dim));
        RegisterComponents();
    }

    public Tensor Forward(Tensor x) => FlopCount.Linear((Linear)net[2], ((Geglu)net[0]).Forward(x));

    private sealed class Geglu : nn.Module
    {
        private readonly Linear proj;

        public Geglu(long dim, long inner) : base(nameof(Geglu))
        {
            proj = nn.Linear(dim, inner * 2);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x)
        {
            var parts = FlopCount.Linear(proj, x).chunk(2, -1);
            return parts[0] * F.gelu(parts[1]);
        }
    }
}

/// <summary>Self-attention, cross-attention to the text, feed-forward; each pre-normed with a residual.</summary>
public sealed class BasicTransformerBlock : nn.Module
{
    private readonly LayerNorm norm1, norm2, norm3;
    private readonly Attention attn1, attn2;
    private readonly FeedForward ff;

    public BasicTransformerBlock(long dim, long heads, long headDim, long contextDim) : base(nameof(BasicTransformerBlock))
    {
        norm1 = nn.LayerNorm([dim]);
        attn1 = new Attention(dim, null, heads, headDim, bias: false);
        norm2 = nn.LayerNorm([dim]);
        attn2 = new Attention(dim, contextDim, heads, headDim, bias: false);
        norm3 = nn.LayerNorm([dim]);
        ff = new FeedForward(dim);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor context)
    {
        x = attn1.Forward(norm1.forward(x)) + x;
        x = attn2.Forward(norm2.forward(x), context) + x;
        return ff.Forward(norm3.forward(x)) + x;
    }
}

/// <summary>GroupNorm → proj_in (1×1 conv or linear) → transformer blocks over the H·W tokens → proj_out, + input.</summary>
public sealed class Transformer2DModel : nn.Module
{
    private readonly GroupNorm norm;
    private readonly nn.Module<Tensor, Tensor> proj_in, proj_out;
    private readonly ModuleList<BasicTransformerBlock> transformer_blocks;
    private readonly bool linear;

    public Transformer2DModel(long channels, long heads, long contextDim, long groups, bool useLinearProjection) : base(nameof(Transformer2DModel))
    {
        linear = useLinearProjection;
        norm = Norms.Group(groups, channels, 1e-6);
        proj_in = linear ? nn.Linear(channels, channels) : new Conv(channels, channels, 1);
        transformer_blocks = new ModuleList<BasicTransformerBlock>(new BasicTransformerBlock(channels, heads, channels / heads, contextDim));
        proj_out = linear ? nn.Linear(channels, channels) : new Conv(channels, channels, 1);
        RegisterComponents();
    }

    /// <summary>The hooks of the network's current call (set by the owning network).</summary>
    public HookSlot? Hooks { get; set; }

    public Tensor Forward(Tensor x, Tensor context)
    {
        // Like ResnetBlock2D, the transformer's intermediates go with its own scope: without a graph a pass then peaks at
        // one transformer's norms, projections and attention instead of every transformer's. Not when hooks reach into
        // attention: what they keep, or make there, must live as long as the caller's scope.
        using var scope = Hooks?.Current?.ReachesIntoAttention == true ? null : NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var y = norm.forward(x);
        if (!linear) y = proj_in.forward(y);
        y = y.permute(0, 2, 3, 1).reshape(b, h * w, c);     // (B, HW, C)
        if (linear) y = FlopCount.Linear((Linear)proj_in, y);
        foreach (var block in transformer_blocks) y = block.Forward(y, context);
        if (linear) y = FlopCount.Linear((Linear)proj_out, y);
        y = y.reshape(b, h, w, c).permute(0, 3, 1, 2);
        if (!linear) y = proj_out.forward(y.contiguous());
        var output = y + x;
        return scope is null ? output : output.MoveToOuterDisposeScope();
    }
}
