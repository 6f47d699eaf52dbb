using Motive.IO;
using Motive.Models.Blocks;

namespace Motive.Models.Vae;

/// <summary>diffusers' AutoencoderKL config (defaults = SD 1.x).</summary>
public sealed record VaeConfig(long InChannels, long OutChannels, long LatentChannels, long[] BlockOutChannels,
    long LayersPerBlock, long NormGroups, double ScalingFactor)
{
    public static VaeConfig From(JsonConfig c)
    {
        var cfg = new VaeConfig(c.Long("in_channels", 3), c.Long("out_channels", 3), c.Long("latent_channels", 4),
            c.Longs("block_out_channels", [128, 256, 512, 512]), c.Long("layers_per_block", 2),
            c.Long("norm_num_groups", 32), c.Double("scaling_factor", 0.18215));
        if (!c.Bool("use_quant_conv", true) || !c.Bool("use_post_quant_conv", true) || !c.Bool("mid_block_add_attention", true))
            throw new MotiveFormatException(c.Path, "only the Stable Diffusion 1.x VAE layout is supported");
        return cfg;
    }
}
