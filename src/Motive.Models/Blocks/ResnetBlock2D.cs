using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Blocks;

/// <summary>diffusers' ResnetBlock2D: GroupNorm → SiLU → conv, plus the time embedding, twice, with a shortcut.</summary>
public sealed class ResnetBlock2D : nn.Module
{
    private readonly GroupNorm norm1, norm2;
    private readonly Conv conv1, conv2;
    private readonly Linear? time_emb_proj;
    private readonly Conv? conv_shortcut;

    public ResnetBlock2D(long inChannels, long outChannels, long? tembChannels, long groups, double eps) : base(nameof(ResnetBlock2D))
    {
        norm1 = Norms.Group(groups, inChannels, eps);
        conv1 = new Conv(inChannels, outChannels, 3, padding: 1);
        if (tembChannels is { } tc) time_emb_proj = nn.Linear(tc, outChannels);
        norm2 = Norms.Group(groups, outChannels, eps);
        conv2 = new Conv(outChannels, outChannels, 3, padding: 1);
        if (inChannels != outChannels) conv_shortcut = new Conv(inChannels, outChannels, 1);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor? temb)
    {
        // The block's intermediates go with its own scope (a graph keeps what its backward needs by itself): without
        // a graph only the output lives on, and a pass peaks at one block's intermediates instead of the network's.
        using var scope = NewDisposeScope();
        var h = conv1.forward(F.silu(norm1.forward(x)));
        if (time_emb_proj is not null && temb is not null)
            h = h + time_emb_proj.forward(F.silu(temb))[.., .., TensorIndex.None, TensorIndex.None];
        h = conv2.forward(F.silu(norm2.forward(h)));
        return ((conv_shortcut?.forward(x) ?? x) + h).MoveToOuterDisposeScope();
    }
}

/// <summary>Stride-2 convolution; the VAE encoder pads (0,1,0,1) itself and uses no conv padding.</summary>
public sealed class Downsample2D : nn.Module
{
    private readonly Conv conv;
    private readonly bool asymmetricPad;

    public Downsample2D(long channels, long padding) : base(nameof(Downsample2D))
    {
        asymmetricPad = padding == 0;
        conv = new Conv(channels, channels, 3, stride: 2, padding: padding);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x) => conv.forward(asymmetricPad ? F.pad(x, [0, 1, 0, 1]) : x);
}

/// <summary>Nearest-neighbour ×2 (or to a given size), then a 3×3 convolution.</summary>
public sealed class Upsample2D : nn.Module
{
    private readonly Conv conv;

    public Upsample2D(long channels) : base(nameof(Upsample2D))
    {
        conv = new Conv(channels, channels, 3, padding: 1);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, long[]? size = null)
    {
        var up = size is null
            ? F.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)
            : F.interpolate(x, size: size, mode: InterpolationMode.Nearest);
        return conv.forward(up);
    }
}
