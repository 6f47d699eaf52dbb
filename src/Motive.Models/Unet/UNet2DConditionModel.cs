using Motive.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Unet;

/// <summary>time_embedding.linear_1 / linear_2 with SiLU between.</summary>
public sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1, linear_2;

    public TimestepEmbedding(long inDim, long dim) : base(nameof(TimestepEmbedding))
    {
        linear_1 = nn.Linear(inDim, dim);
        linear_2 = nn.Linear(dim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => linear_2.forward(F.silu(linear_1.forward(x)));
}

/// <summary>
/// diffusers' UNet2DConditionModel for Stable Diffusion 1.x, built from its config.json. Predicts the noise
/// (or v) of latents <c>sample</c> (B,4,h,w) at timesteps <c>t</c> given text states (B,77,D).
/// Hooks (<see cref="NetworkHooks"/>) read attention probabilities and module outputs by state-dict path.
/// </summary>
public sealed class UNet2DConditionModel : nn.Module
{
    private readonly Conv conv_in, conv_out;
    private readonly TimestepEmbedding time_embedding;
    private readonly ModuleList<DownBlock> down_blocks = new();
    private readonly MidBlock mid_block;
    private readonly ModuleList<UpBlock> up_blocks = new();
    private readonly GroupNorm conv_norm_out;
    private readonly HookSlot _hooks = new();

    public UNet2DConditionModel(UnetConfig config) : base(nameof(UNet2DConditionModel))
    {
        Config = config;
        var ch = config.BlockOutChannels;
        long temb = ch[0] * 4;
        conv_in = new Conv(config.InChannels, ch[0], 3, padding: 1);
        time_embedding = new TimestepEmbedding(ch[0], temb);

        long output = ch[0];
        for (int i = 0; i < ch.Length; i++)
        {
            long input = output;
            output = ch[i];
            down_blocks.Add(new DownBlock(config, i, input, output, temb));
        }
        mid_block = new MidBlock(config, ch[^1], temb);

        var rev = ch.Reverse().ToArray();
        output = rev[0];
        for (int i = 0; i < rev.Length; i++)
        {
            long prev = output;
            output = rev[i];
            long input = rev[Math.Min(i + 1, rev.Length - 1)];
            up_blocks.Add(new UpBlock(config, i, prev, output, input, temb, headsIndex: rev.Length - 1 - i));
        }
        conv_norm_out = Norms.Group(config.NormGroups, ch[0], config.NormEps);
        conv_out = new Conv(ch[0], config.OutChannels, 3, padding: 1);
        RegisterComponents();

        foreach (var (name, m) in named_modules())
        {
            if (m is Attention a) { a.Path = name; a.Hooks = _hooks; }
            if (m is Transformer2DModel t) t.Hooks = _hooks;
        }
    }

    public UnetConfig Config { get; }

    /// <summary>Every attention module with its state-dict path (LoRA attaches here).</summary>
    public IEnumerable<Attention> Attentions => named_modules().Select(m => m.module).OfType<Attention>();

    public Tensor Forward(Tensor sample, Tensor timesteps, Tensor context, NetworkHooks? hooks = null)
    {
        _hooks.Current = hooks;
        try
        {
            Func<string, Tensor, Tensor> feature = hooks is null ? (_, t) => t : hooks.Feature;
            var t = timesteps.dim() == 0 ? timesteps.expand(sample.shape[0]) : timesteps;
            var emb = time_embedding.forward(Timesteps.Embed(t, Config.BlockOutChannels[0], Config.FlipSinToCos, Config.FreqShift).to(sample.dtype));
            var x = conv_in.forward(sample);
            var skips = new List<Tensor> { x };
            for (int i = 0; i < down_blocks.Count; i++)
                x = feature($"down_blocks.{i}", down_blocks[i].Forward(x, emb, context, skips, feature, $"down_blocks.{i}"));
            x = feature("mid_block", mid_block.Forward(x, emb, context));
            for (int i = 0; i < up_blocks.Count; i++)
            {
                var block = up_blocks[i];
                // The upsampler matches the size of the skip tensor it meets next (odd sizes round like the down path).
                long[]? size = skips.Count > block.SkipCount ? [skips[^(block.SkipCount + 1)].shape[2], skips[^(block.SkipCount + 1)].shape[3]] : null;
                x = feature($"up_blocks.{i}", block.Forward(x, skips, emb, context, size, feature, $"up_blocks.{i}"));
            }
            x = feature("conv_norm_out", conv_norm_out.forward(x));
            return conv_out.forward(F.silu(x));
        }
        finally
        {
            _hooks.Current = null;
        }
    }
}

/// <summary>Sinusoidal timestep embedding (diffusers' get_timestep_embedding).</summary>
public static class Timesteps
{
    public static Tensor Embed(Tensor t, long dim, bool flipSinToCos, long freqShift)
    {
        long half = dim / 2;
        var exponent = arange(half, dtype: float32, device: t.device).mul(-Math.Log(10000)).div(half - freqShift);
        var args = t.to(float32)[.., TensorIndex.None] * exponent.exp()[TensorIndex.None, ..];
        var sin = args.sin();
        var cos = args.cos();
        return flipSinToCos ? cat([cos, sin], -1) : cat([sin, cos], -1);
    }
}
