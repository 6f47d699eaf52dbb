using Motive.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Vae;

/// <summary>Image (B,3,H,W) in [-1,1] → posterior mean and log-variance (B,2·L,H/8,W/8) before quant_conv's split.</summary>
public sealed class VaeEncoder : nn.Module
{
    private readonly Conv conv_in, conv_out;
    private readonly ModuleList<VaeBlock> down_blocks = new();
    private readonly VaeMidBlock mid_block;
    private readonly GroupNorm conv_norm_out;

    public VaeEncoder(VaeConfig c) : base(nameof(VaeEncoder))
    {
        var ch = c.BlockOutChannels;
        conv_in = new Conv(c.InChannels, ch[0], 3, padding: 1);
        long output = ch[0];
        for (int i = 0; i < ch.Length; i++)
        {
            long input = output;
            output = ch[i];
            down_blocks.Add(new VaeBlock(input, output, c.LayersPerBlock, c.NormGroups, down: true, resample: i < ch.Length - 1));
        }
        mid_block = new VaeMidBlock(ch[^1], c.NormGroups);
        conv_norm_out = Norms.Group(c.NormGroups, ch[^1], 1e-6);
        conv_out = new Conv(ch[^1], 2 * c.LatentChannels, 3, padding: 1);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        x = conv_in.forward(x);
        foreach (var b in down_blocks) x = b.Forward(x);
        x = mid_block.Forward(x);
        return conv_out.forward(F.silu(conv_norm_out.forward(x)));
    }
}

/// <summary>Latents (B,L,h,w) → image (B,3,8h,8w) in about [-1,1].</summary>
public sealed class VaeDecoder : nn.Module
{
    private readonly Conv conv_in, conv_out;
    private readonly VaeMidBlock mid_block;
    private readonly ModuleList<VaeBlock> up_blocks = new();
    private readonly GroupNorm conv_norm_out;

    public VaeDecoder(VaeConfig c) : base(nameof(VaeDecoder))
    {
        var rev = c.BlockOutChannels.Reverse().ToArray();
        conv_in = new Conv(c.LatentChannels, rev[0], 3, padding: 1);
        mid_block = new VaeMidBlock(rev[0], c.NormGroups);
        long output = rev[0];
        for (int i = 0; i < rev.Length; i++)
        {
            long prev = output;
            output = rev[i];
            up_blocks.Add(new VaeBlock(prev, output, c.LayersPerBlock + 1, c.NormGroups, down: false, resample: i < rev.Length - 1));
        }
        conv_norm_out = Norms.Group(c.NormGroups, rev[^1], 1e-6);
        conv_out = new Conv(rev[^1], c.OutChannels, 3, padding: 1);
        RegisterComponents();
    }

    public Tensor Forward(Tensor z)
    {
        var x = mid_block.Forward(conv_in.forward(z));
        foreach (var b in up_blocks) x = b.Forward(x);
        return conv_out.forward(F.silu(conv_norm_out.forward(x)));
    }

    /// <summary>The decoder as a chain of segments of one resnet or resampler each, for gradient checkpointing.</summary>
    public IReadOnlyList<Func<Tensor, Tensor>> Segments(Func<Tensor, Tensor> before) =>
    [
        z => mid_block.Forward(conv_in.forward(before(z))),
        .. up_blocks.SelectMany(b => b.Segments()),
        x => conv_out.forward(F.silu(conv_norm_out.forward(x))),
    ];
}

/// <summary>diffusers' AutoencoderKL. Latents here are unscaled; multiply by <see cref="VaeConfig.ScalingFactor"/> for the UNet.</summary>
public sealed class AutoencoderKL : nn.Module
{
    private readonly VaeEncoder encoder;
    private readonly VaeDecoder decoder;
    private readonly Conv quant_conv, post_quant_conv;

    public AutoencoderKL(VaeConfig config) : base(nameof(AutoencoderKL))
    {
        Config = config;
        encoder = new VaeEncoder(config);
        decoder = new VaeDecoder(config);
        quant_conv = new Conv(2 * config.LatentChannels, 2 * config.LatentChannels, 1);
        post_quant_conv = new Conv(config.LatentChannels, config.LatentChannels, 1);
        RegisterComponents();
    }

    public VaeConfig Config { get; }

    /// <summary>The posterior's mean and log-variance (clamped to [-30, 20] as diffusers does).</summary>
    public (Tensor Mean, Tensor LogVar) Encode(Tensor image)
    {
        var moments = quant_conv.forward(encoder.Forward(image)).chunk(2, 1);
        return (moments[0], moments[1].clamp(-30.0, 20.0));
    }

    public Tensor Decode(Tensor latents) => decoder.Forward(post_quant_conv.forward(latents));

    /// <summary><see cref="Decode"/> as a chain of segments (one resnet or resampler each) whose composition is Decode, for <see cref="Runtime.CheckpointedChain"/>.</summary>
    public IReadOnlyList<Func<Tensor, Tensor>> DecodeSegments() => decoder.Segments(post_quant_conv.forward);
}
