using Motive.IO;
using Motive.Models.Blocks;

namespace Motive.Models.Unet;

/// <summary>The parts of diffusers' UNet2DConditionModel config that SD 1.x models use (defaults = SD 1.x).</summary>
public sealed record UnetConfig(
    long InChannels, long OutChannels, long[] BlockOutChannels, string[] DownBlockTypes, string[] UpBlockTypes,
    long LayersPerBlock, long[] Heads, long CrossAttentionDim, long NormGroups, double NormEps,
    bool UseLinearProjection, bool FlipSinToCos, long FreqShift, long DownsamplePadding)
{
    /// <summary>The latent side the model was trained at (SD 1.x: 64, i.e. 512 px; the embedded toy model: 16).</summary>
    public long SampleSize { get; init; } = 64;

    public static UnetConfig From(JsonConfig c)
    {
        var blocks = c.Longs("block_out_channels", [320, 640, 1280, 1280]);
        // diffusers quirk: in SD 1.x configs "attention_head_dim" is the number of heads.
        var heads = c.Has("num_attention_heads") ? c.Longs("num_attention_heads", [8]) : c.Longs("attention_head_dim", [8]);
        if (heads.Length == 1) heads = Enumerable.Repeat(heads[0], blocks.Length).ToArray();
        var cfg = new UnetConfig(
            c.Long("in_channels", 4), c.Long("out_channels", 4), blocks,
            c.Strings("down_block_types", ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"]),
            c.Strings("up_block_types", ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]),
            c.Long("layers_per_block", 2), heads, c.Long("cross_attention_dim", 768), c.Long("norm_num_groups", 32),
            c.Double("norm_eps", 1e-5), c.Bool("use_linear_projection", false), c.Bool("flip_sin_to_cos", true),
            c.Long("freq_shift", 0), c.Long("downsample_padding", 1)) { SampleSize = c.Long("sample_size", 64) };
        foreach (var t in cfg.DownBlockTypes.Concat(cfg.UpBlockTypes))
            if (t is not ("CrossAttnDownBlock2D" or "DownBlock2D" or "CrossAttnUpBlock2D" or "UpBlock2D"))
                throw new MotiveFormatException(c.Path, $"block type '{t}' is not supported (Stable Diffusion 1.x UNets only)");
        if (cfg.DownBlockTypes.Length != blocks.Length || cfg.UpBlockTypes.Length != blocks.Length || heads.Length != blocks.Length)
            throw new MotiveFormatException(c.Path, "block_out_channels, down/up_block_types and heads disagree in length");
        if (c.String("mid_block_type", "UNetMidBlock2DCrossAttn") != "UNetMidBlock2DCrossAttn" ||
            c.String("time_embedding_type", "positional") != "positional" || c.Has("class_embed_type") || c.Has("addition_embed_type"))
            throw new MotiveFormatException(c.Path, "only the Stable Diffusion 1.x UNet layout is supported");
        return cfg;
    }
}
