using System.CommandLine;
using Motive.Benchmarks;
using Motive.Models.Loading;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive bench guide`: classifier guidance's guided step in the one-graph and lean modes (<see cref="ClassifierGuidanceBenchmark"/>),
/// on SD 1.5's architecture with random weights (or a real model): seconds per step, peak resident memory, the method's estimate.
/// </summary>
public static class BenchGuideCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "A diffusers folder whose configs give the architecture (random weights). Default: the project's configs/sd15." };
        var model = new Option<string?>("--model") { Description = "Use this model's real weights instead (diffusers folder or single file; --config then names its configs)." };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 512, Description = "Picture side in pixels (a multiple of 64)." };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 1, Description = "Timed guided steps per mode (after one to warm up)." };
        var modes = new Option<string>("--modes") { DefaultValueFactory = _ => string.Join(",", ClassifierGuidanceBenchmark.Modes), Description = "Modes to measure, in order: fast (one graph), lean." };
        var dtype = new Option<string>("--dtype") { DefaultValueFactory = _ => "bf16", Description = "Weights of the UNet and VAE: fp32, fp16 or bf16." };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => cuda.is_available() ? "cuda" : "cpu" };
        var cmd = new Command("guide", "Classifier guidance's guided step: time per step and peak memory, one graph against lean memory.")
            { config, model, size, steps, modes, dtype, device };
        cmd.SetAction(r =>
        {
            int px = r.GetValue(size), n = r.GetValue(steps);
            if (px < 64 || px % 64 != 0 || px > Motive.Methods.Editing.EditLimits.MaxSide) throw new ArgumentException("--size must be a multiple of 64 up to 2048");
            if (n is < 1 or > 100) throw new ArgumentException("--steps must be between 1 and 100");
            var which = r.GetValue(modes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var mode in which)
                if (!ClassifierGuidanceBenchmark.Modes.Contains(mode)) throw new ArgumentException($"--modes: unknown mode '{mode}' (fast, lean)");
            EditRunner.CheckDevice(r.GetValue(device)!);
            var dev = TorchSharp.torch.device(r.GetValue(device)!);
            var dt = ModelOptions.ParseDType(r.GetValue(dtype)!);
            var o = r.InvocationConfiguration.Output;
            StableDiffusionModel? sd = null;
            Motive.Models.Unet.UNet2DConditionModel unet;
            Motive.Models.Vae.AutoencoderKL vae;
            DdimSchedule schedule;
            string what;
            if (r.GetValue(model) is { } m)
            {
                sd = StableDiffusionModel.Load(m, new LoadOptions(ScalarType.Float32, dev.ToString(), r.GetValue(config)));
                (unet, vae, schedule, what) = (sd.Unet, sd.Vae, DdimSchedule.From(sd.SchedulerConfig), m);
            }
            else
            {
                var dir = r.GetValue(config) ?? Path.Combine(AppContext.BaseDirectory, "configs", "sd15");
                var (u, v) = UnetBenchmark.RandomFromConfigs(dir, ScalarType.Float32, dev);
                if (v is null) { u.Dispose(); throw new ArgumentException($"--config {dir}: no vae/config.json (classifier guidance decodes x̂₀)"); }
                var scheduler = Path.Combine(dir, "scheduler", "scheduler_config.json");
                schedule = DdimSchedule.From(File.Exists(scheduler) ? Motive.Models.Blocks.JsonConfig.Load(scheduler) : Motive.Models.Blocks.JsonConfig.Parse("{}"));
                (unet, vae, what) = (u, v, $"{dir} (random weights)");
            }
            try
            {
                o.WriteLine($"model: {what}; UNet {unet.parameters().Sum(p => p.numel()) / 1e6:0.0}M parameters; {px}², CFG off, {r.GetValue(dtype)}, {dev}{(dev.type == TorchSharp.DeviceType.CPU ? $" ({get_num_threads()} threads)" : "")}");
                var rows = ClassifierGuidanceBenchmark.Run(unet, vae, schedule, px, n, which, dt, dev, l => r.InvocationConfiguration.Error.WriteLine(l));
                o.WriteLine($"{"mode",-6} {"weights, graph",-30} {"s/step",8} {"peak RSS MiB",13} {"estimate MiB",13}");
                foreach (var row in rows) o.WriteLine($"{row.Mode,-6} {row.Detail,-30} {row.SecondsPerStep,8:0.0} {row.PeakRssMiB,13:0} {row.EstimateMiB,13:0}");
                o.WriteLine("estimate: what `motive guide` says before such a run (weights and graphs, without the process's own ~0.3 GiB)");
            }
            finally
            {
                if (sd is not null) sd.Dispose(); else { unet.Dispose(); vae.Dispose(); }
            }
            return CliApp.Ok;
        });
        return cmd;
    }
}
