using Motive.IO.StateDicts;
using Motive.Models.Clip;
using Motive.Models.Unet;
using Motive.Models.Vae;

namespace Motive.Models.Loading;

/// <summary>
/// What a single-file checkpoint's tensor shapes say about the architecture (channels, depths, dimensions,
/// which blocks have attention). It overrides the --config folder's values; what shapes cannot tell
/// (heads, norm groups, activation) stays as the config says.
/// </summary>
public static class SingleFileShapes
{
    public static UnetConfig Unet(StateDict sd, UnetConfig c)
    {
        const string p = LdmKeys.UnetPrefix;
        long[]? S(string key) => sd.TryGetValue(p + key, out var t) ? t.Shape : null;
        var conv = S("input_blocks.0.0.weight");
        if (conv is null) return c;
        int inputBlocks = sd.Keys.Where(k => k.StartsWith(p + "input_blocks.", StringComparison.Ordinal))
            .Select(k => int.Parse(k[(p.Length + "input_blocks.".Length)..].Split('.')[0])).Distinct().Count();
        int levels = sd.Keys.Count(k => k.StartsWith(p + "input_blocks.", StringComparison.Ordinal) && k.EndsWith(".op.weight", StringComparison.Ordinal)) + 1;
        long layers = inputBlocks / levels - 1;
        var channels = new long[levels];
        var down = new string[levels];
        var up = new string[levels];
        for (int i = 0; i < levels; i++)
        {
            long k = 1 + i * (layers + 1);
            channels[i] = S($"input_blocks.{k}.0.out_layers.3.weight")?[0] ?? c.BlockOutChannels.ElementAtOrDefault(i);
            down[i] = S($"input_blocks.{k}.1.proj_in.weight") is null ? "DownBlock2D" : "CrossAttnDownBlock2D";
            up[i] = S($"output_blocks.{i * (layers + 1)}.1.proj_in.weight") is null ? "UpBlock2D" : "CrossAttnUpBlock2D";
        }
        var toK = sd.Keys.FirstOrDefault(k => k.StartsWith(p, StringComparison.Ordinal) && k.EndsWith(".attn2.to_k.weight", StringComparison.Ordinal));
        var projIn = sd.Keys.FirstOrDefault(k => k.StartsWith(p, StringComparison.Ordinal) && k.EndsWith(".proj_in.weight", StringComparison.Ordinal));
        var heads = c.Heads.Length == levels ? c.Heads : Enumerable.Repeat(c.Heads[0], levels).ToArray();
        return c with
        {
            InChannels = conv[1],
            OutChannels = S("out.2.weight")?[0] ?? c.OutChannels,
            BlockOutChannels = channels,
            LayersPerBlock = layers,
            DownBlockTypes = down,
            UpBlockTypes = up,
            Heads = heads,
            CrossAttentionDim = toK is null ? c.CrossAttentionDim : sd[toK].Shape[1],
            UseLinearProjection = projIn is not null && sd[projIn].Shape.Length == 2,
        };
    }

    public static VaeConfig Vae(StateDict sd, VaeConfig c)
    {
        const string p = LdmKeys.VaePrefix + "encoder.down.";
        var downKeys = sd.Keys.Where(k => k.StartsWith(p, StringComparison.Ordinal)).ToList();
        if (downKeys.Count == 0) return c;
        int levels = downKeys.Select(k => k[p.Length..].Split('.')[0]).Distinct().Count();
        long layers = downKeys.Where(k => k.StartsWith(p + "0.block.", StringComparison.Ordinal)).Select(k => k.Split('.')[5]).Distinct().Count();
        var channels = Enumerable.Range(0, levels).Select(i => sd[$"{p}{i}.block.0.conv2.weight"].Shape[0]).ToArray();
        return c with
        {
            BlockOutChannels = channels,
            LayersPerBlock = layers,
            LatentChannels = sd.TryGetValue(LdmKeys.VaePrefix + "post_quant_conv.weight", out var pq) ? pq.Shape[0] : c.LatentChannels,
        };
    }

    public static ClipTextConfig Text(StateDict sd, ClipTextConfig c)
    {
        var prefix = sd.Keys.Any(k => k.StartsWith(LdmKeys.TextPrefix + "text_model.", StringComparison.Ordinal))
            ? LdmKeys.TextPrefix + "text_model." : LdmKeys.TextPrefix;
        if (!sd.TryGetValue(prefix + "embeddings.token_embedding.weight", out var tok)) return c;
        var layerPrefix = prefix + "encoder.layers.";
        long layers = sd.Keys.Where(k => k.StartsWith(layerPrefix, StringComparison.Ordinal))
            .Select(k => k[layerPrefix.Length..].Split('.')[0]).Distinct().Count();
        return c with
        {
            VocabSize = tok.Shape[0],
            HiddenSize = tok.Shape[1],
            MaxPositions = sd[prefix + "embeddings.position_embedding.weight"].Shape[0],
            Layers = layers,
            IntermediateSize = sd[layerPrefix + "0.mlp.fc1.weight"].Shape[0],
        };
    }
}
