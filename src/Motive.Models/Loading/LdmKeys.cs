using System.Text.RegularExpressions;
using Motive.Models.Unet;

namespace Motive.Models.Loading;

/// <summary>
/// The one table of renamings between the original single-file layout (CompVis/LDM: <c>model.diffusion_model.*</c>,
/// <c>first_stage_model.*</c>, <c>cond_stage_model.transformer.*</c>) and our modules, whose names follow diffusers.
/// Each function takes a diffusers key and returns the LDM key that holds the same tensor.
/// </summary>
public static partial class LdmKeys
{
    public const string UnetPrefix = "model.diffusion_model.", VaePrefix = "first_stage_model.", TextPrefix = "cond_stage_model.transformer.";

    public static string Unet(string key, UnetConfig c)
    {
        long per = c.LayersPerBlock + 1;
        Match m;
        if (key.StartsWith("conv_in.", StringComparison.Ordinal)) return "input_blocks.0.0." + key[8..];
        if (key.StartsWith("time_embedding.linear_1.", StringComparison.Ordinal)) return "time_embed.0." + key[24..];
        if (key.StartsWith("time_embedding.linear_2.", StringComparison.Ordinal)) return "time_embed.2." + key[24..];
        if (key.StartsWith("conv_norm_out.", StringComparison.Ordinal)) return "out.0." + key[14..];
        if (key.StartsWith("conv_out.", StringComparison.Ordinal)) return "out.2." + key[9..];
        if ((m = Block().Match(key)).Success)
        {
            string kind = m.Groups[1].Value, part = m.Groups[3].Value, rest = m.Groups[5].Value;
            int i = m.Groups[2].Value.Length > 0 ? int.Parse(m.Groups[2].Value) : 0, j = int.Parse(m.Groups[4].Value);
            switch (kind, part)
            {
                case ("down_blocks", "resnets"): return $"input_blocks.{1 + i * per + j}.0.{Resnet(rest)}";
                case ("down_blocks", "attentions"): return $"input_blocks.{1 + i * per + j}.1.{rest}";
                case ("down_blocks", "downsamplers"): return $"input_blocks.{(i + 1) * per}.0.{rest.Replace("conv.", "op.")}";
                case ("up_blocks", "resnets"): return $"output_blocks.{i * per + j}.0.{Resnet(rest)}";
                case ("up_blocks", "attentions"): return $"output_blocks.{i * per + j}.1.{rest}";
                case ("up_blocks", "upsamplers"):
                    bool cross = c.UpBlockTypes[i] == "CrossAttnUpBlock2D";
                    return $"output_blocks.{i * per + per - 1}.{(cross ? 2 : 1)}.{rest}";
                case ("mid_block", "resnets"): return $"middle_block.{(j == 0 ? 0 : 2)}.{Resnet(rest)}";
                case ("mid_block", "attentions"): return $"middle_block.1.{rest}";
            }
        }
        return key;
    }

    public static string Vae(string key, int levels)
    {
        Match m;
        key = key.Replace("conv_norm_out.", "norm_out.");
        if ((m = VaeBlock().Match(key)).Success)
        {
            string side = m.Groups[1].Value, part = m.Groups[3].Value, rest = m.Groups[5].Value;
            int i = int.Parse(m.Groups[2].Value), j = int.Parse(m.Groups[4].Value);
            int level = side == "decoder" ? levels - 1 - i : i;    // LDM numbers decoder levels from the bottom
            string dir = side == "decoder" ? "up" : "down";
            return part switch
            {
                "resnets" => $"{side}.{dir}.{level}.block.{j}.{rest.Replace("conv_shortcut.", "nin_shortcut.")}",
                "downsamplers" => $"{side}.down.{level}.downsample.{rest}",
                _ => $"{side}.up.{level}.upsample.{rest}",
            };
        }
        if ((m = VaeMid().Match(key)).Success)
        {
            string side = m.Groups[1].Value, part = m.Groups[2].Value, rest = m.Groups[4].Value;
            if (part == "resnets") return $"{side}.mid.block_{int.Parse(m.Groups[3].Value) + 1}.{rest.Replace("conv_shortcut.", "nin_shortcut.")}";
            rest = rest.Replace("group_norm.", "norm.").Replace("to_q.", "q.").Replace("to_k.", "k.").Replace("to_v.", "v.").Replace("to_out.0.", "proj_out.");
            return $"{side}.mid.attn_1.{rest}";
        }
        return key;
    }

    private static string Resnet(string rest) => rest
        .Replace("norm1.", "in_layers.0.").Replace("conv1.", "in_layers.2.").Replace("time_emb_proj.", "emb_layers.1.")
        .Replace("norm2.", "out_layers.0.").Replace("conv2.", "out_layers.3.").Replace("conv_shortcut.", "skip_connection.");

    [GeneratedRegex(@"^(down_blocks|up_blocks|mid_block)\.?(\d*)\.?(resnets|attentions|downsamplers|upsamplers)\.(\d+)\.(.+)$")]
    private static partial Regex Block();

    [GeneratedRegex(@"^(encoder|decoder)\.(?:down_blocks|up_blocks)\.(\d+)\.(resnets|downsamplers|upsamplers)\.(\d+)\.(.+)$")]
    private static partial Regex VaeBlock();

    [GeneratedRegex(@"^(encoder|decoder)\.mid_block\.(resnets|attentions)\.(\d+)\.(.+)$")]
    private static partial Regex VaeMid();
}
