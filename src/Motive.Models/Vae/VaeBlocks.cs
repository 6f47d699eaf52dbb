using Motive.Models.Blocks;
using Motive.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Vae;

/// <summary>The VAE's single-head self-attention over pixels: group_norm, q/k/v/out with bias, residual.</summary>
public sealed class VaeAttention : nn.Module
{
    private readonly GroupNorm group_norm;
    private readonly Linear to_q, to_k, to_v;
    private readonly ModuleList<Linear> to_out;

    public VaeAttention(long channels, long groups) : base(nameof(VaeAttention))
    {
        group_norm = Norms.Group(groups, channels, 1e-6);
        to_q = nn.Linear(channels, channels);
        to_k = nn.Linear(channels, channels);
        to_v = nn.Linear(channels, channels);
        to_out = new ModuleList<Linear>(nn.Linear(channels, channels));
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var y = group_norm.forward(x).view(b, c, h * w).transpose(1, 2);       // (B, HW, C)
        var q = FlopCount.Linear(to_q, y).unsqueeze(1);
        var k = FlopCount.Linear(to_k, y).unsqueeze(1);
        var v = FlopCount.Linear(to_v, y).unsqueeze(1);
        FlopCount.Attention(b, h * w, h * w, c);
        var o = nn.functional.scaled_dot_product_attention(q, k, v).squeeze(1);
        o = FlopCount.Linear(to_out[0], o).transpose(1, 2).reshape(b, c, h, w);
        return o + x;
    }
}

/// <summary>UNetMidBlock2D of the VAE: resnet, attention, resnet (no time embedding).</summary>
public sealed class VaeMidBlock : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<VaeAttention> attentions;

    public VaeMidBlock(long channels, long groups) : base(nameof(VaeMidBlock))
    {
        resnets = new ModuleList<ResnetBlock2D>(new ResnetBlock2D(channels, channels, null, groups, 1e-6), new ResnetBlock2D(channels, channels, null, groups, 1e-6));
        attentions = new ModuleList<VaeAttention>(new VaeAttention(channels, groups));
        RegisterComponents();
    }

    public Tensor Forward(Tensor x) => resnets[1].Forward(attentions[0].Forward(resnets[0].Forward(x, null)), null);
}

/// <summary>DownEncoderBlock2D / UpDecoderBlock2D: resnets, then a down- or upsampler.</summary>
public sealed class VaeBlock : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<Downsample2D>? downsamplers;
    private readonly ModuleList<Upsample2D>? upsamplers;

    public VaeBlock(long inChannels, long outChannels, long layers, long groups, bool down, bool resample) : base(nameof(VaeBlock))
    {
        for (int j = 0; j < layers; j++) resnets.Add(new ResnetBlock2D(j == 0 ? inChannels : outChannels, outChannels, null, groups, 1e-6));
        if (resample && down) downsamplers = new ModuleList<Downsample2D>(new Downsample2D(outChannels, padding: 0));
        if (resample && !down) upsamplers = new ModuleList<Upsample2D>(new Upsample2D(outChannels));
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        foreach (var r in resnets) x = r.Forward(x, null);
        if (downsamplers is not null) x = downsamplers[0].Forward(x);
        if (upsamplers is not null) x = upsamplers[0].Forward(x);
        return x;
    }

    /// <summary>The block as a chain, one resnet or resampler a segment (for <see cref="Runtime.CheckpointedChain"/>).</summary>
    public IEnumerable<Func<Tensor, Tensor>> Segments()
    {
        foreach (var r in resnets) yield return x => r.Forward(x, null);
        if (downsamplers is not null) yield return x => downsamplers[0].Forward(x);
        if (upsamplers is not null) yield return x => upsamplers[0].Forward(x);
    }
}
