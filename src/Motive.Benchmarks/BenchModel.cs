using Motive.Methods.Editing;
using Motive.Models.Loading;
using Motive.Models.Unet;
using Motive.Models.Vae;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>
/// The networks a speed benchmark times: a model's real weights (--model), or SD's architecture from a diffusers
/// folder's configs (--config, default the project's configs/sd15) with random weights; and the options every
/// benchmark that takes them shares. Disposing it frees whichever was loaded.
/// </summary>
public sealed class BenchModel : IDisposable
{
    public static ToolOption Config { get; } = ToolOption.Text("--config", "A diffusers folder whose configs give the architecture (random weights). Default: the project's configs/sd15.");
    public static ToolOption Model { get; } = ToolOption.Text("--model", "Use this model's real weights instead (diffusers folder or single file; --config then names its configs).");
    public static ToolOption Dtype { get; } = ToolOption.Text("--dtype", "fp32, fp16 or bf16.", "fp32");
    public static ToolOption Device { get; } = new("--device", ToolValue.Text, "cpu or cuda.") { Default = () => cuda.is_available() ? "cuda" : "cpu" };

    /// <summary>--size for a benchmark, with its default.</summary>
    public static ToolOption Size(int value, string help) => ToolOption.Integer("--size", help, value);

    public UNet2DConditionModel Unet { get; }
    public AutoencoderKL? Vae { get; }
    /// <summary>The loaded model when --model named one (null: random weights).</summary>
    public StableDiffusionModel? Sd { get; }
    /// <summary>The configs folder of random weights (null with a real model).</summary>
    public string? ConfigDir { get; }
    /// <summary>What was loaded, for the table's first line.</summary>
    public string What { get; }

    private BenchModel(UNet2DConditionModel unet, AutoencoderKL? vae, StableDiffusionModel? sd, string? configDir, string what) =>
        (Unet, Vae, Sd, ConfigDir, What) = (unet, vae, sd, configDir, what);

    /// <summary>The model --model names, else random weights from --config's configs (the VAE only with <paramref name="withVae"/>).</summary>
    public static BenchModel Load(ToolArgs a, ScalarType dtype, TorchSharp.torch.Device device, bool withVae)
    {
        if (a.Text(Model.Name) is { } m)
        {
            var sd = StableDiffusionModel.Load(m, new LoadOptions(dtype, device.ToString(), a.Text(Config.Name)));
            return new BenchModel(sd.Unet, sd.Vae, sd, null, m);
        }
        var dir = a.Text(Config.Name) ?? Path.Combine(AppContext.BaseDirectory, "configs", "sd15");
        var (u, v) = UnetBenchmark.RandomFromConfigs(dir, dtype, device, withVae);
        return new BenchModel(u, v, null, dir, $"{dir} (random weights)");
    }

    /// <summary>--device read and checked.</summary>
    public static TorchSharp.torch.Device ParseDevice(string name)
    {
        EditModels.CheckDevice(name);
        return device(name);
    }

    /// <summary>--size of a benchmark that runs a method: a multiple of 64 up to the edit limit.</summary>
    public static int CheckSize(int px) =>
        px < 64 || px % 64 != 0 || px > EditLimits.MaxSide ? throw new ArgumentException($"--size must be a multiple of 64 up to {EditLimits.MaxSide}") : px;

    /// <summary>The CPU's kernels and heap, said beside a CPU run's numbers.</summary>
    public static string CpuNote(TorchSharp.torch.Device device) =>
        device.type == TorchSharp.DeviceType.CPU ? $" ({Motive.Models.Runtime.CpuKernels.Status}; {Motive.Models.Runtime.NativeHeap.Status})" : "";

    public void Dispose()
    {
        if (Sd is not null) Sd.Dispose();
        else { Unet.Dispose(); Vae?.Dispose(); }
    }
}
