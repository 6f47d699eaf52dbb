using System.CommandLine;
using Motive.Benchmarks;
using Motive.Methods.MotionGuidance;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive bench mg`: Motion Guidance's guided evaluation in each mode side by side (<see cref="MotionGuidanceBenchmark"/>),
/// on SD 1.5's architecture with random weights (or a real model) and RAFT-large: ms per evaluation, a 5,000-evaluation
/// edit's projected time, peak memory, the speed-up over the reference mode and the achieved TFLOP/s.
/// </summary>
public static class BenchMgCommand
{
    private const int EditEvaluations = 5000;   // the reference edit: 500 steps × 10 recursions

    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "A diffusers folder whose configs give the architecture (random weights). Default: the project's configs/sd15." };
        var model = new Option<string?>("--model") { Description = "Use this model's real weights instead (diffusers folder or single file; --config then names its configs)." };
        var raft = new Option<string?>("--raft") { Description = "A RAFT checkpoint (default: RAFT-large with random weights)." };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 512, Description = "Image side in pixels (a multiple of 64)." };
        var evals = new Option<int>("--evals") { DefaultValueFactory = _ => 3, Description = "Timed evaluations per mode (after one to warm up)." };
        var modes = new Option<string>("--modes") { DefaultValueFactory = _ => string.Join(",", MotionGuidanceBenchmark.Modes), Description = "Modes to measure, in order: reference, fast, lean." };
        var fastDtype = new Option<string?>("--fast-dtype") { Description = "Weights of the fast and lean modes: fp32, fp16 or bf16 (default: bf16 on CUDA, fp32 on CPU)." };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => cuda.is_available() ? "cuda" : "cpu" };
        var cmd = new Command("mg", "Motion Guidance's guided evaluation, reference path against the fast and lean modes, side by side.")
            { config, model, raft, size, evals, modes, fastDtype, device };
        cmd.SetAction(r =>
        {
            int px = r.GetValue(size), n = r.GetValue(evals);
            if (px < 64 || px % 64 != 0 || px > Motive.Methods.Editing.EditLimits.MaxSide) throw new ArgumentException("--size must be a multiple of 64 up to 2048");
            if (n is < 1 or > 100) throw new ArgumentException("--evals must be between 1 and 100");
            var which = r.GetValue(modes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var mode in which)
                if (!MotionGuidanceBenchmark.Modes.Contains(mode)) throw new ArgumentException($"--modes: unknown mode '{mode}' (reference, fast, lean)");
            EditRunner.CheckDevice(r.GetValue(device)!);
            var dev = TorchSharp.torch.device(r.GetValue(device)!);
            var fast = ModelOptions.ParseDType(r.GetValue(fastDtype) ?? (dev.type == TorchSharp.DeviceType.CUDA ? "bf16" : "fp32"));
            var o = r.InvocationConfiguration.Output;
            StableDiffusionModel? sd = null;
            Motive.Models.Unet.UNet2DConditionModel unet;
            Motive.Models.Vae.AutoencoderKL vae;
            DdimSchedule schedule;
            string what;
            if (r.GetValue(model) is { } m)
            {
                sd = StableDiffusionModel.Load(m, new LoadOptions(ScalarType.Float32, dev.ToString(), r.GetValue(config)));
                (unet, vae, schedule, what) = (sd.Unet, sd.Vae, MotionGuidanceRun.Schedule(sd), m);
            }
            else
            {
                var dir = r.GetValue(config) ?? Path.Combine(AppContext.BaseDirectory, "configs", "sd15");
                var (u, v) = UnetBenchmark.RandomFromConfigs(dir, ScalarType.Float32, dev);
                if (v is null) { u.Dispose(); throw new ArgumentException($"--config {dir}: no vae/config.json (Motion Guidance decodes x̂₀)"); }
                var scheduler = Path.Combine(dir, "scheduler", "scheduler_config.json");
                schedule = DdimSchedule.From(File.Exists(scheduler) ? Motive.Models.Blocks.JsonConfig.Load(scheduler) : Motive.Models.Blocks.JsonConfig.Parse("{}")).WithSpacing(TimestepSpacing.Uniform);
                (unet, vae, what) = (u, v, $"{dir} (random weights)");
            }
            using var flowModel = r.GetValue(raft) is { } rp ? RaftLoader.Load(rp) : RaftBenchmark.RandomLarge(dev);
            try
            {
                o.WriteLine($"model: {what}; UNet {unet.parameters().Sum(p => p.numel()) / 1e6:0.0}M parameters; RAFT{(flowModel.Config.Small ? "-small" : "-large")}; {px}², CFG 7.5, {dev}{(dev.type == TorchSharp.DeviceType.CPU ? $" ({get_num_threads()} threads; {Motive.Models.Runtime.CpuKernels.Status}; {Motive.Models.Runtime.NativeHeap.Status})" : "")}");
                var rows = MotionGuidanceBenchmark.Run(unet, vae, flowModel, schedule, px, n, which, fast, dev, l => r.InvocationConfiguration.Error.WriteLine(l));
                double reference = rows.FirstOrDefault(x => x.Mode == "reference")?.MsPerEvaluation ?? double.NaN;
                string memory = dev.type == TorchSharp.DeviceType.CUDA ? "card MiB" : "peak RSS MiB";
                o.WriteLine($"{"mode",-10} {"weights, attention",-36} {"ms/eval",9} {"5,000 evals",12} {memory,13} {"estimate MiB",13} {"vs reference",13} {"TFLOP/s",8}");
                foreach (var row in rows)
                    o.WriteLine($"{row.Mode,-10} {row.Detail,-36} {row.MsPerEvaluation,9:0} {Duration(row.MsPerEvaluation * EditEvaluations),12} {row.PeakMiB,13:0} {row.EstimateMiB,13:0} " +
                                $"{(double.IsNaN(reference) ? "" : $"{reference / row.MsPerEvaluation:0.00}x"),13} {row.Tflops,8:0.000}");
                o.WriteLine("estimate: what `motive move` says before such a run (weights and graphs, without the process's own ~0.3 GiB)");
                o.WriteLine($"{MotionGuidanceBenchmark.TeraFlopsPerEvaluation(rows):0.00} TFLOP per evaluation (convolutions, linear layers and attention; forward counted, backward taken as one forward more)");
            }
            finally
            {
                if (sd is not null) sd.Dispose(); else { unet.Dispose(); vae.Dispose(); }
            }
            return CliApp.Ok;
        });
        return cmd;
    }

    private static string Duration(double ms) => TimeSpan.FromMilliseconds(ms) switch
    {
        var t when t.TotalHours >= 1 => $"{(int)t.TotalHours} h {t.Minutes:00} min",
        var t when t.TotalMinutes >= 1 => $"{(int)t.TotalMinutes} min {t.Seconds:00} s",
        var t => $"{t.TotalSeconds:0.0} s",
    };
}
