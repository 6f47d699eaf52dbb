using Motive.IO;
using Motive.IO.StateDicts;
using Motive.IO.Tensors;
using Motive.Models.Blocks;
using Motive.Models.Clip;
using Motive.Models.Unet;
using Motive.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Models.Loading;

/// <summary>Where and how to load a model.</summary>
/// <param name="DType">Weights and activations (fp32, fp16, bf16).</param>
/// <param name="Device">cpu or cuda.</param>
/// <param name="ConfigDir">A diffusers folder of the same family, for single-file checkpoints (configs and tokenizer).</param>
/// <param name="Variant">diffusers weight variant, e.g. "fp16".</param>
public sealed record LoadOptions(ScalarType DType = ScalarType.Float32, string Device = "cpu", string? ConfigDir = null, string? Variant = null);

/// <summary>
/// Stable Diffusion 1.x: tokenizer, text encoder, UNet, VAE and the scheduler's config, loaded from a diffusers
/// folder or one original-layout checkpoint (.ckpt / .safetensors) — the same modules either way.
/// </summary>
public sealed class StableDiffusionModel : IDisposable
{
    private StableDiffusionModel(string source, ClipTokenizer tokenizer, ClipTextModel textEncoder, UNet2DConditionModel unet,
        AutoencoderKL vae, JsonConfig scheduler, Device device, ScalarType dtype)
    {
        Source = source;
        Tokenizer = tokenizer;
        TextEncoder = textEncoder;
        Unet = unet;
        Vae = vae;
        SchedulerConfig = scheduler;
        Device = device;
        DType = dtype;
    }

    public string Source { get; }
    public ClipTokenizer Tokenizer { get; }
    public ClipTextModel TextEncoder { get; }
    public UNet2DConditionModel Unet { get; }
    public AutoencoderKL Vae { get; }
    public JsonConfig SchedulerConfig { get; }
    public Device Device { get; }
    public ScalarType DType { get; }

    /// <summary>The image side (px) the model was trained at: the UNet's sample size times the VAE's downsampling (SD 1.x: 512; the toy model: 128).</summary>
    public int NativeSize => (int)Unet.Config.SampleSize << (Vae.Config.BlockOutChannels.Length - 1);

    /// <summary>Latents, schedules and losses stay in float32 whatever the weights are (float64 for float64 models).</summary>
    public ScalarType SchedulerDType => DType == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;

    public static StableDiffusionModel Load(string path, LoadOptions? options = null)
    {
        options ??= new LoadOptions();
        if (Directory.Exists(path))
        {
            if (!DiffusersFolder.Is(path)) throw new MotiveFormatException(path, "folder has no model_index.json (not a diffusers model folder)");
            return LoadFolder(path, options);
        }
        if (!File.Exists(path)) throw new MotiveFormatException(path, "model not found (expected a diffusers folder, .ckpt or .safetensors)");
        return LoadSingleFile(path, options);
    }

    private static StableDiffusionModel LoadFolder(string dir, LoadOptions o)
    {
        var device = torch.device(o.Device);
        var (tok, text, unet, vae, sched) = Build(dir, o, device);
        using (var w = DiffusersFolder.OpenWeights(Path.Combine(dir, "text_encoder"), o.Variant))
            WeightLoading.Load(text, TextKeys(w.Tensors, ""), w.Path, IgnoredTextKey);
        using (var w = DiffusersFolder.OpenWeights(Path.Combine(dir, "unet"), o.Variant))
            WeightLoading.Load(unet, w, w.Path);
        using (var w = DiffusersFolder.OpenWeights(Path.Combine(dir, "vae"), o.Variant))
            WeightLoading.Load(vae, w, w.Path);
        return new StableDiffusionModel(dir, tok, text, unet, vae, sched, device, o.DType);
    }

    private static StableDiffusionModel LoadSingleFile(string file, LoadOptions o)
    {
        var configDir = o.ConfigDir ?? Path.GetDirectoryName(Path.GetFullPath(file));
        if (configDir is null || !DiffusersFolder.Is(configDir))
            throw new MotiveFormatException(file, "a single-file checkpoint carries no tokenizer or full configuration: " +
                                                  "pass --config DIR (any diffusers folder of the SD 1.x family), or put one beside the file");
        var device = torch.device(o.Device);
        using var sd = StateDict.Open(file);
        if (!sd.Keys.Any(k => k.StartsWith(LdmKeys.UnetPrefix, StringComparison.Ordinal)))
            throw new MotiveFormatException(file, "not a Stable Diffusion checkpoint (no model.diffusion_model.* weights)");
        var (tok, text, unet, vae, sched) = Build(configDir, o, device, sd);
        WeightLoading.Load(text, TextKeys(sd.Tensors, LdmKeys.TextPrefix), file, IgnoredTextKey);
        WeightLoading.Load(unet, Mapped(sd, unet, k => LdmKeys.UnetPrefix + LdmKeys.Unet(k, unet.Config)), file);
        int levels = vae.Config.BlockOutChannels.Length;
        WeightLoading.Load(vae, Mapped(sd, vae, k => LdmKeys.VaePrefix + LdmKeys.Vae(k, levels)), file);
        return new StableDiffusionModel(file, tok, text, unet, vae, sched, device, o.DType);
    }

    /// <summary>The modules from a folder's configs; with a single file's weights, what their shapes tell overrides them.</summary>
    private static (ClipTokenizer, ClipTextModel, UNet2DConditionModel, AutoencoderKL, JsonConfig) Build(string dir, LoadOptions o, Device device,
        StateDict? singleFile = null)
    {
        JsonConfig Cfg(string part, string name) => JsonConfig.Load(Path.Combine(dir, part, name));
        var tok = ClipTokenizer.FromFolder(Path.Combine(dir, "tokenizer"));
        var textCfg = ClipTextConfig.From(Cfg("text_encoder", "config.json"));
        var unetCfg = UnetConfig.From(Cfg("unet", "config.json"));
        var vaeCfg = VaeConfig.From(Cfg("vae", "config.json"));
        if (singleFile is not null)
        {
            textCfg = SingleFileShapes.Text(singleFile, textCfg);
            unetCfg = SingleFileShapes.Unet(singleFile, unetCfg);
            vaeCfg = SingleFileShapes.Vae(singleFile, vaeCfg);
        }
        var text = new ClipTextModel(textCfg);
        var unet = new UNet2DConditionModel(unetCfg);
        var vae = new AutoencoderKL(vaeCfg);
        var sched = File.Exists(Path.Combine(dir, "scheduler", "scheduler_config.json")) ? Cfg("scheduler", "scheduler_config.json") : JsonConfig.Parse("{}");
        foreach (nn.Module m in new nn.Module[] { text, unet, vae })
        {
            m.to(o.DType).to(device);
            m.eval();
        }
        return (tok, text, unet, vae, sched);
    }

    /// <summary>For each module key, the stored tensor under the mapped name; 1×1 conv weights fit linear layers.</summary>
    private static Dictionary<string, TensorRef> Mapped(StateDict sd, nn.Module module, Func<string, string> map)
    {
        var result = new Dictionary<string, TensorRef>();
        foreach (var (name, p) in module.named_parameters())
        {
            if (!sd.TryGetValue(map(name), out var t)) continue; // reported as missing by WeightLoading
            result[name] = t.Shape.Length == 4 && p.shape.Length == 2 && t.Shape[2] == 1 && t.Shape[3] == 1
                ? new TensorRef(name, t.DType, p.shape, () => { using var x = t.Load(); return x.reshape(p.shape); })
                : t.WithName(name);
        }
        return result;
    }

    /// <summary>The text encoder's weights under <paramref name="prefix"/>, with transformers' optional "text_model." removed.</summary>
    private static Dictionary<string, TensorRef> TextKeys(IEnumerable<TensorRef> all, string prefix)
    {
        var under = WeightLoading.Under(all, prefix);
        return under.Keys.All(k => k.StartsWith("text_model.", StringComparison.Ordinal))
            ? under.ToDictionary(kv => kv.Key["text_model.".Length..], kv => kv.Value.WithName(kv.Key["text_model.".Length..]))
            : under;
    }

    private static bool IgnoredTextKey(string key) => key.EndsWith("position_ids", StringComparison.Ordinal);

    public void Dispose()
    {
        TextEncoder.Dispose();
        Unet.Dispose();
        Vae.Dispose();
    }
}
