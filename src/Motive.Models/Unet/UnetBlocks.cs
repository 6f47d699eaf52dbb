using Motive.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Unet;

/// <summary>CrossAttnDownBlock2D / DownBlock2D: resnets (each followed by a transformer when cross-attention), then a downsampler.</summary>
public sealed class DownBlock : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<Transformer2DModel>? attentions;
    private readonly ModuleList<Downsample2D>? downsamplers;

    public DownBlock(UnetConfig c, int index, long inChannels, long outChannels, long tembChannels) : base(nameof(DownBlock))
    {
        bool cross = c.DownBlockTypes[index] == "CrossAttnDownBlock2D";
        if (cross) attentions = new ModuleList<Transformer2DModel>();
        for (int j = 0; j < c.LayersPerBlock; j++)
        {
            resnets.Add(new ResnetBlock2D(j == 0 ? inChannels : outChannels, outChannels, tembChannels, c.NormGroups, c.NormEps));
            attentions?.Add(new Transformer2DModel(outChannels, c.Heads[index], c.CrossAttentionDim, c.NormGroups, c.UseLinearProjection));
        }
        if (index < c.BlockOutChannels.Length - 1) downsamplers = new ModuleList<Downsample2D>(new Downsample2D(outChannels, c.DownsamplePadding));
        RegisterComponents();
    }

    /// <summary>Returns the block output and the skip tensors the up path will consume.</summary>
    public Tensor Forward(Tensor x, Tensor temb, Tensor context, List<Tensor> skips, Func<string, Tensor, Tensor> feature, string path)
    {
        for (int j = 0; j < resnets.Count; j++)
        {
            x = feature($"{path}.resnets.{j}", resnets[j].Forward(x, temb));
            if (attentions is not null) x = feature($"{path}.attentions.{j}", attentions[j].Forward(x, context));
            skips.Add(x);
        }
        if (downsamplers is not null)
        {
            x = downsamplers[0].Forward(x);
            skips.Add(x);
        }
        return x;
    }
}

/// <summary>UNetMidBlock2DCrossAttn: resnet, transformer, resnet.</summary>
public sealed class MidBlock : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel> attentions;

    public MidBlock(UnetConfig c, long channels, long tembChannels) : base(nameof(MidBlock))
    {
        resnets = new ModuleList<ResnetBlock2D>(
            new ResnetBlock2D(channels, channels, tembChannels, c.NormGroups, c.NormEps),
            new ResnetBlock2D(channels, channels, tembChannels, c.NormGroups, c.NormEps));
        attentions = new ModuleList<Transformer2DModel>(
            new Transformer2DModel(channels, c.Heads[^1], c.CrossAttentionDim, c.NormGroups, c.UseLinearProjection));
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor temb, Tensor context)
    {
        x = resnets[0].Forward(x, temb);
        x = attentions[0].Forward(x, context);
        return resnets[1].Forward(x, temb);
    }
}

/// <summary>CrossAttnUpBlock2D / UpBlock2D: for each resnet, concatenate the next skip tensor; then an upsampler.</summary>
public sealed class UpBlock : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<Transformer2DModel>? attentions;
    private readonly ModuleList<Upsample2D>? upsamplers;

    public UpBlock(UnetConfig c, int index, long prevOutChannels, long outChannels, long inChannels, long tembChannels, int headsIndex)
        : base(nameof(UpBlock))
    {
        bool cross = c.UpBlockTypes[index] == "CrossAttnUpBlock2D";
        if (cross) attentions = new ModuleList<Transformer2DModel>();
        long layers = c.LayersPerBlock + 1;
        for (int j = 0; j < layers; j++)
        {
            long skip = j == layers - 1 ? inChannels : outChannels;
            long resIn = j == 0 ? prevOutChannels : outChannels;
            resnets.Add(new ResnetBlock2D(resIn + skip, outChannels, tembChannels, c.NormGroups, c.NormEps));
            attentions?.Add(new Transformer2DModel(outChannels, c.Heads[headsIndex], c.CrossAttentionDim, c.NormGroups, c.UseLinearProjection));
        }
        if (index < c.BlockOutChannels.Length - 1) upsamplers = new ModuleList<Upsample2D>(new Upsample2D(outChannels));
        RegisterComponents();
    }

    public int SkipCount => resnets.Count;

    public Tensor Forward(Tensor x, List<Tensor> skips, Tensor temb, Tensor context, long[]? upsampleSize,
        Func<string, Tensor, Tensor> feature, string path)
    {
        for (int j = 0; j < resnets.Count; j++)
        {
            var skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            x = feature($"{path}.resnets.{j}", resnets[j].Forward(cat([x, skip], 1), temb));
            if (attentions is not null) x = feature($"{path}.attentions.{j}", attentions[j].Forward(x, context));
        }
        return upsamplers is null ? x : upsamplers[0].Forward(x, upsampleSize);
    }
}
