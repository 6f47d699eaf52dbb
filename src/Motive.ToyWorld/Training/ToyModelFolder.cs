using Motive.Training.Loop;
using Motive.IO.Json;
using System.Text.Json;
using Motive.IO.Safetensors;
using Motive.Models.Blocks;
using Motive.Models.Clip;
using Motive.Models.Unet;
using Motive.Models.Vae;
using Motive.ToyWorld.Scenes;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.ToyWorld.Training;

/// <summary>
/// The embedded model's diffusers folder: the SD 1.x topology at toy widths (UNet 4 levels with cross-attention in the
/// first three, VAE with 8× downsampling and 4 latent channels, a 2-layer CLIP text encoder, the toy tokenizer, SD's
/// DDIM schedule), so the same loaders read it as a real checkpoint. <see cref="Create"/> writes it with freshly
/// initialised weights (seeded); training overwrites the weight files.
/// </summary>
public static class ToyModelFolder
{
    public static readonly int[] UnetChannels = [32, 64, 64, 64];
    public static readonly int[] VaeChannels = [16, 32, 64, 64];
    // GroupNorm groups: 4 channels a group at the narrowest level, as SD (128 / 32). With 16 groups on the VAE's 16
    // full-resolution channels every group was one channel (instance norm), which erases each channel's mean: the
    // decoder could not carry flat colours, and reconstruction stalled near L1 0.33.
    public const int TextWidth = 64, TextLayers = 2, TextHeads = 4;

    /// <summary>Where a training run of one part keeps its state (state.json, loss.png, resumable weights and moments).</summary>
    public static string TrainingDir(string modelDir, string part) => Path.Combine(modelDir, "training", part);

    public static void Create(string dir, long seed = 0)
    {
        Directory.CreateDirectory(dir);
        int vocab = ToyTokenizer.Write(Path.Combine(dir, "tokenizer"), Captions.Words);
        Json(Path.Combine(dir, "model_index.json"), new Dictionary<string, object>
        {
            ["_class_name"] = "StableDiffusionPipeline", ["scheduler"] = new[] { "diffusers", "DDIMScheduler" },
            ["text_encoder"] = new[] { "transformers", "CLIPTextModel" }, ["tokenizer"] = new[] { "transformers", "CLIPTokenizer" },
            ["unet"] = new[] { "diffusers", "UNet2DConditionModel" }, ["vae"] = new[] { "diffusers", "AutoencoderKL" },
        });
        Json(Path.Combine(dir, "scheduler", "scheduler_config.json"), new Dictionary<string, object>
        {
            ["_class_name"] = "DDIMScheduler", ["beta_start"] = 0.00085, ["beta_end"] = 0.012, ["beta_schedule"] = "scaled_linear",
            ["num_train_timesteps"] = 1000, ["prediction_type"] = "epsilon", ["set_alpha_to_one"] = false, ["steps_offset"] = 1,
            ["clip_sample"] = false, ["timestep_spacing"] = "leading",
        });
        Json(Path.Combine(dir, "text_encoder", "config.json"), new Dictionary<string, object>
        {
            ["architectures"] = new[] { "CLIPTextModel" }, ["model_type"] = "clip_text_model", ["vocab_size"] = vocab,
            ["hidden_size"] = TextWidth, ["intermediate_size"] = 4 * TextWidth, ["num_hidden_layers"] = TextLayers,
            ["num_attention_heads"] = TextHeads, ["max_position_embeddings"] = 77, ["hidden_act"] = "quick_gelu", ["layer_norm_eps"] = 1e-5,
            ["bos_token_id"] = vocab - 2, ["eos_token_id"] = vocab - 1, ["pad_token_id"] = vocab - 1,
        });
        Json(Path.Combine(dir, "vae", "config.json"), new Dictionary<string, object>
        {
            ["_class_name"] = "AutoencoderKL", ["in_channels"] = 3, ["out_channels"] = 3, ["latent_channels"] = 4, ["sample_size"] = 128,
            ["block_out_channels"] = VaeChannels, ["layers_per_block"] = 2, ["norm_num_groups"] = 4, ["act_fn"] = "silu",
            ["scaling_factor"] = 0.18215, ["use_quant_conv"] = true, ["use_post_quant_conv"] = true,
            ["down_block_types"] = Enumerable.Repeat("DownEncoderBlock2D", 4).ToArray(), ["up_block_types"] = Enumerable.Repeat("UpDecoderBlock2D", 4).ToArray(),
        });

        WriteUnetConfig(dir, UnetChannels);

        manual_seed(seed);   // one stream, text encoder → UNet → VAE: the order the shipped models were first made in
        using var text = new ClipTextModel(ClipTextConfig.From(JsonConfig.Load(Path.Combine(dir, "text_encoder", "config.json"))));
        using var unet = new UNet2DConditionModel(UnetConfig.From(JsonConfig.Load(Path.Combine(dir, "unet", "config.json"))));
        using var vae = new AutoencoderKL(VaeConfig.From(JsonConfig.Load(Path.Combine(dir, "vae", "config.json"))));
        ModuleWeights.Save(Path.Combine(dir, "text_encoder", "model.safetensors"), text, "text_model.");
        ModuleWeights.Save(Path.Combine(dir, "unet", "diffusion_pytorch_model.safetensors"), unet);
        NarrowPosterior(vae);
        ModuleWeights.Save(Path.Combine(dir, "vae", "diffusion_pytorch_model.safetensors"), vae);
    }

    /// <summary>
    /// Writes the folder's UNet afresh: its config with these block widths (4 levels, each a multiple of 8, the
    /// GroupNorm's groups) and freshly initialised weights (seeded). The rest of the folder is left as it is, so a
    /// trained VAE and text encoder can be kept under a UNet of another width.
    /// </summary>
    public static void WriteUnet(string dir, IReadOnlyList<int> channels, long seed = 0)
    {
        WriteUnetConfig(dir, channels);
        manual_seed(seed);
        using var unet = new UNet2DConditionModel(UnetConfig.From(JsonConfig.Load(Path.Combine(dir, "unet", "config.json"))));
        ModuleWeights.Save(Path.Combine(dir, "unet", "diffusion_pytorch_model.safetensors"), unet);
    }

    /// <summary>The block widths of the folder's UNet, as its config gives them.</summary>
    public static int[] UnetWidths(string dir) =>
        UnetConfig.From(JsonConfig.Load(Path.Combine(dir, "unet", "config.json"))).BlockOutChannels.Select(c => (int)c).ToArray();

    private static void WriteUnetConfig(string dir, IReadOnlyList<int> channels)
    {
        if (channels.Count != 4 || channels.Any(c => c < 8 || c % 8 != 0))
            throw new ArgumentException($"the UNet needs 4 block widths, each a positive multiple of 8 (got {string.Join(",", channels)})");
        Json(Path.Combine(dir, "unet", "config.json"), new Dictionary<string, object>
        {
            ["_class_name"] = "UNet2DConditionModel", ["in_channels"] = 4, ["out_channels"] = 4, ["sample_size"] = 16,
            ["block_out_channels"] = channels, ["layers_per_block"] = 2, ["attention_head_dim"] = 8, ["cross_attention_dim"] = TextWidth,
            ["norm_num_groups"] = 8, ["norm_eps"] = 1e-5, ["act_fn"] = "silu", ["flip_sin_to_cos"] = true, ["freq_shift"] = 0,
            ["down_block_types"] = new[] { "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D" },
            ["up_block_types"] = new[] { "UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D" },
            ["mid_block_type"] = "UNetMidBlock2DCrossAttn", ["downsample_padding"] = 1, ["mid_block_scale_factor"] = 1,
        });
    }

    /// <summary>
    /// Starts the VAE's posterior narrow (log-variance bias −6, σ ≈ 0.05): with the default σ ≈ 1 the sampled latent
    /// drowns the encoder's signal and a fresh VAE learns nothing for hundreds of steps.
    /// </summary>
    private static void NarrowPosterior(AutoencoderKL vae)
    {
        using var _ = no_grad();
        var bias = vae.named_parameters().Single(p => p.name == "quant_conv.bias").parameter;
        long latent = bias.shape[0] / 2;
        bias[(int)latent..].fill_(-6);
    }

    private static void Json(string path, object value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        MotiveJson.Write(path, value);
    }
}
