using Motive.Methods.Editing;
using Motive.Models.Blocks;
using Motive.Models.Unet;
using Motive.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>
/// Times UNet calls at a given latent size and batch (2 = one classifier-free-guided step) in one process,
/// fused attention against the explicit softmax path, so that the ratio is measured side by side; on CUDA
/// also a whole 50-step guided txt2img (UNet × 50 + VAE decode). Weights are random unless given. Each row also
/// carries its own peak resident memory (<see cref="ResidentMemory"/>, reset before it): the weights plus that
/// path's activations, the figure to set beside another framework's peak for one forward.
/// </summary>
public static class UnetBenchmark
{
    /// <summary>`motive bench unet`: the table of ms per call, each path beside the explicit one.</summary>
    public static Tool Bench { get; } = new("unet", "Time per UNet call (and, on CUDA, per 50-step guided txt2img).",
        [
            BenchModel.Config, BenchModel.Model, BenchModel.Size(512, "Image side in pixels (latents are size/8)."),
            ToolOption.Integer("--batch", "UNet batch (2 = one guided step).", 2), ToolOption.Integer("--iters", "Timed calls per configuration.", 5),
            BenchModel.Dtype, BenchModel.Device,
        ],
        (a, o, log) =>
        {
            var dt = EditModels.DTypeOption(a.Text("--dtype")!);
            var dev = BenchModel.ParseDevice(a.Text("--device")!);
            int size = a.Integer("--size"), batch = a.Integer("--batch");
            using var m = BenchModel.Load(a, dt, dev, withVae: dev.type == DeviceType.CUDA);   // the VAE only times txt2img on CUDA
            double loaded = ResidentMemory.CurrentMiB(), loading = ResidentMemory.PeakMiB();
            long parameters = m.Unet.parameters().Sum(p => p.numel());
            o.WriteLine($"model: {m.What}; UNet {parameters / 1e6:0.0}M parameters; {size}² (latents {size / 8}²), batch {batch}, {a.Text("--dtype")}, {dev}{BenchModel.CpuNote(dev)}");
            var rows = Run(m.Unet, m.Vae, size, batch, a.Integer("--iters"), dt, dev, log);
            double baseline = rows[1].MsPerCall;
            bool cpu = dev.type == DeviceType.CPU;
            o.WriteLine($"{"configuration",-48} {"ms/call",10} {"vs explicit",12}{(cpu ? $" {"peak RSS MiB",13}" : "")}");
            foreach (var row in rows)
                o.WriteLine($"{row.Name,-48} {row.MsPerCall,10:0.0} {(row.Name.StartsWith("UNet") ? $"{baseline / row.MsPerCall:0.00}x" : ""),12}{(cpu ? $" {row.PeakRssMiB,13:0}" : "")}");
            if (cpu) o.WriteLine($"resident with the weights loaded: {loaded:0} MiB (peak while loading {loading:0} MiB); each row's peak is the weights plus that path's activations");
        });

    public static List<BenchRow> Run(UNet2DConditionModel unet, AutoencoderKL? vae, int size, int batch, int iters, ScalarType dtype,
        Device device, Action<string>? log = null)
    {
        using var _ = no_grad();
        var g = new Generator(0);
        using var x = randn([batch, 4, size / 8, size / 8], generator: g).to(dtype, device);
        using var ctx = randn([batch, 77, unet.Config.CrossAttentionDim], generator: g).to(dtype, device);
        using var t = tensor(500L, device: device);
        var rows = new List<BenchRow>
        {
            Measured("UNet, fused attention", () => unet.Forward(x, t, ctx), iters, device, log),
            Measured("UNet, explicit attention", () => unet.Forward(x, t, ctx, new NetworkHooks { ExplicitAttention = true }), iters, device, log),
        };
        if (vae is not null && device.type == TorchSharp.DeviceType.CUDA)
        {
            using var z = randn([1, 4, size / 8, size / 8], generator: g).to(dtype, device);
            rows.Add(Measured("50-step CFG txt2img (UNet ×50 + VAE decode)", () =>
            {
                for (int i = 0; i < 50; i++) { using var s = NewDisposeScope(); unet.Forward(x, t, ctx); }
                vae.Decode(z);
            }, Math.Max(1, iters / 5), device, log));
        }
        return rows;
    }

    private static BenchRow Measured(string name, Action call, int iters, Device device, Action<string>? log)
    {
        if (device.type == DeviceType.CPU) ResidentMemory.ResetPeak();
        var row = BenchTimer.Time(name, call, iters, device, log);
        return device.type == DeviceType.CPU ? row with { PeakRssMiB = ResidentMemory.PeakMiB() } : row;
    }

    /// <summary>
    /// A UNet (and, with <paramref name="withVae"/>, the VAE when its config is there) with random weights from a
    /// diffusers folder's configs.
    /// </summary>
    public static (UNet2DConditionModel, AutoencoderKL?) RandomFromConfigs(string dir, ScalarType dtype, Device device, bool withVae = true)
    {
        manual_seed(0);
        var unet = new UNet2DConditionModel(UnetConfig.From(JsonConfig.Load(Path.Combine(dir, "unet", "config.json"))));
        unet.to(dtype).to(device).eval();
        AutoencoderKL? vae = null;
        var vaeCfg = Path.Combine(dir, "vae", "config.json");
        if (withVae && File.Exists(vaeCfg))
        {
            vae = new AutoencoderKL(VaeConfig.From(JsonConfig.Load(vaeCfg)));
            vae.to(dtype).to(device).eval();
        }
        return (unet, vae);
    }
}
