using System.CommandLine;
using Motive.Benchmarks;
using Motive.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive bench unet|raft|drag|gar|mg`: speed, measured side by side (the benchmarks are Motive.Benchmarks'). Quality is
/// `motive eval`; `bench toy` remains as a hidden old spelling of `eval toy`.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure speed: configurations compared side by side in one run.");
        var config = new Option<string?>("--config") { Description = "A diffusers folder whose configs give the architecture (random weights). Default: the project's configs/sd15." };
        var model = new Option<string?>("--model") { Description = "Use this model's real weights instead (diffusers folder or single file; --config then names its configs)." };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 512, Description = "Image side in pixels (latents are size/8)." };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 2, Description = "UNet batch (2 = one guided step)." };
        var iters = new Option<int>("--iters") { DefaultValueFactory = _ => 5 };
        var dtype = new Option<string>("--dtype") { DefaultValueFactory = _ => "fp32", Description = "fp32, fp16 or bf16." };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => cuda.is_available() ? "cuda" : "cpu" };
        var unet = new Command("unet", "Time per UNet call (and, on CUDA, per 50-step guided txt2img).") { config, model, size, batch, iters, dtype, device };
        unet.SetAction(r =>
        {
            var dt = ModelOptions.ParseDType(r.GetValue(dtype)!);
            var dev = TorchSharp.torch.device(r.GetValue(device)!);
            var o = r.InvocationConfiguration.Output;
            StableDiffusionModel? sd = null;
            Motive.Models.Unet.UNet2DConditionModel u;
            Motive.Models.Vae.AutoencoderKL? v;
            string what;
            if (r.GetValue(model) is { } m)
            {
                sd = StableDiffusionModel.Load(m, new LoadOptions(dt, dev.ToString(), r.GetValue(config)));
                (u, v, what) = (sd.Unet, sd.Vae, m);
            }
            else
            {
                var dir = r.GetValue(config) ?? Path.Combine(AppContext.BaseDirectory, "configs", "sd15");
                (u, v) = UnetBenchmark.RandomFromConfigs(dir, dt, dev, withVae: dev.type == DeviceType.CUDA);   // the VAE only times txt2img on CUDA
                what = $"{dir} (random weights)";
            }
            try
            {
                double loaded = ResidentMemory.CurrentMiB(), loading = ResidentMemory.PeakMiB();
                long parameters = u.parameters().Sum(p => p.numel());
                o.WriteLine($"model: {what}; UNet {parameters / 1e6:0.0}M parameters; {r.GetValue(size)}² (latents {r.GetValue(size) / 8}²), batch {r.GetValue(batch)}, {r.GetValue(dtype)}, {dev}{CpuNote(dev)}");
                var rows = UnetBenchmark.Run(u, v, r.GetValue(size), r.GetValue(batch), r.GetValue(iters), dt, dev,
                    line => r.InvocationConfiguration.Error.WriteLine(line));
                double baseline = rows[1].MsPerCall;
                bool cpu = dev.type == DeviceType.CPU;
                o.WriteLine($"{"configuration",-48} {"ms/call",10} {"vs explicit",12}{(cpu ? $" {"peak RSS MiB",13}" : "")}");
                foreach (var row in rows)
                    o.WriteLine($"{row.Name,-48} {row.MsPerCall,10:0.0} {(row.Name.StartsWith("UNet") ? $"{baseline / row.MsPerCall:0.00}x" : ""),12}{(cpu ? $" {row.PeakRssMiB,13:0}" : "")}");
                if (cpu) o.WriteLine($"resident with the weights loaded: {loaded:0} MiB (peak while loading {loading:0} MiB); each row's peak is the weights plus that path's activations");
            }
            finally
            {
                if (sd is not null) sd.Dispose(); else { u.Dispose(); v?.Dispose(); }
            }
            return CliApp.Ok;
        });
        bench.Add(unet);
        var dragSize = new Option<int>("--size") { DefaultValueFactory = _ => 256, Description = "Image side in pixels (latents size/8, the supervision grid size/2)." };
        var loraSteps = new Option<int>("--lora-steps") { DefaultValueFactory = _ => 2, Description = "LoRA steps to measure." };
        var dragIters = new Option<int>("--iterations") { DefaultValueFactory = _ => 3, Description = "Drag iterations to measure." };
        var micro = new Option<int>("--lora-micro-batch") { DefaultValueFactory = _ => 1, Description = "Copies per LoRA forward pass (of the batch of 4)." };
        var drag = new Command("drag", "Time and peak memory of DragDiffusion's LoRA steps and drag iterations (random weights from configs unless --model).")
            { config, model, dragSize, loraSteps, dragIters, micro, dtype, device };
        drag.SetAction(r => Phases(r, config, model, dtype, device, dragSize, (u, px, dev, log) =>
            DragBenchmark.Run(u, px, r.GetValue(loraSteps), r.GetValue(dragIters), dev, r.GetValue(micro), log)));
        bench.Add(drag);
        var garSize = new Option<int>("--size") { DefaultValueFactory = _ => 256, Description = "Image side in pixels (latents size/8)." };
        var garSteps = new Option<int>("--steps") { DefaultValueFactory = _ => 1, Description = "Guided steps to measure per preset." };
        var presets = new Option<string[]>("--preset") { Description = "Presets to measure (repeat; default: all four)." };
        var gar = new Command("gar", "Time and peak memory of a Guide-and-Rescale guided step for each preset (random weights from configs unless --model).")
            { config, model, garSize, garSteps, presets, dtype, device };
        gar.SetAction(r => Phases(r, config, model, dtype, device, garSize, (u, px, dev, log) =>
            GarBenchmark.Run(u, px, r.GetValue(garSteps), dev,
                r.GetValue(presets) is { Length: > 0 } p ? p.Select(n => { Motive.Methods.GuideAndRescale.GarPresets.Get(n); return n; }).ToList() : Motive.Methods.GuideAndRescale.GarPresets.Names, log)));
        bench.Add(gar);
        bench.Add(RaftCommand());
        bench.Add(BenchMgCommand.Create());
        bench.Add(BenchGuideCommand.Create());
        bench.Add(EvalToyCommand.OldSpelling());
        return bench;
    }

    /// <summary>A method's phases on a UNet (the model's real weights, or random ones from configs): a table of s/step and peak RSS.</summary>
    private static int Phases(ParseResult r, Option<string?> config, Option<string?> model, Option<string> dtype, Option<string> device, Option<int> size,
        Func<Motive.Models.Unet.UNet2DConditionModel, int, TorchSharp.torch.Device, Action<string>, List<PhaseRow>> run)
    {
        var dt = ModelOptions.ParseDType(r.GetValue(dtype)!);
        var dev = TorchSharp.torch.device(r.GetValue(device)!);
        var o = r.InvocationConfiguration.Output;
        int px = r.GetValue(size);
        if (px < 64 || px % 64 != 0 || px > Motive.Methods.Editing.EditLimits.MaxSide) throw new ArgumentException("--size must be a multiple of 64 up to 2048");
        double before = ResidentMemory.PeakMiB();
        StableDiffusionModel? sd = null;
        Motive.Models.Unet.UNet2DConditionModel u;
        string what;
        if (r.GetValue(model) is { } m)
        {
            sd = StableDiffusionModel.Load(m, new LoadOptions(dt, dev.ToString(), r.GetValue(config)));
            (u, what) = (sd.Unet, m);
        }
        else
        {
            var dir = r.GetValue(config) ?? Path.Combine(AppContext.BaseDirectory, "configs", "sd15");
            (u, what) = (UnetBenchmark.RandomFromConfigs(dir, dt, dev, withVae: false).Item1, $"{dir} (random weights)");
        }
        try
        {
            o.WriteLine($"model: {what}; UNet {u.parameters().Sum(p => p.numel()) / 1e6:0.0}M parameters, {r.GetValue(dtype)}, {dev}{CpuNote(dev)}; {px}²; resident before loading {before:0} MiB");
            var rows = run(u, px, dev, line => r.InvocationConfiguration.Error.WriteLine(line));
            o.WriteLine($"{"phase",-60} {"s/step",8} {"peak RSS MiB",13}");
            foreach (var row in rows) o.WriteLine($"{row.Phase,-60} {row.SecondsPerStep,8:0.00} {row.PeakRssMiB,13:0}");
        }
        finally
        {
            if (sd is not null) sd.Dispose(); else u.Dispose();
        }
        return CliApp.Ok;
    }

    private static Command RaftCommand()
    {
        var raft = new Option<string?>("--raft") { Description = "A RAFT checkpoint (default: RAFT-large with random weights)." };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 512 };
        var iters = new Option<int>("--iters") { DefaultValueFactory = _ => 5, Description = "GRU iterations (Motion Guidance uses 5)." };
        var repeats = new Option<int>("--repeats") { DefaultValueFactory = _ => 3 };
        var phases = new Option<bool>("--phases") { Description = "Also time each phase alone (encoders, correlation, update block), forward and forward + backward." };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => cuda.is_available() ? "cuda" : "cpu" };
        var cmd = new Command("raft", "RAFT forward and forward+backward time, side by side.") { raft, size, iters, repeats, device, phases };
        cmd.SetAction(r =>
        {
            var dev = TorchSharp.torch.device(r.GetValue(device)!);
            using var model = r.GetValue(raft) is { } path ? Motive.Models.Raft.RaftLoader.Load(path) : RaftBenchmark.RandomLarge(dev);
            model.to(dev);
            var o = r.InvocationConfiguration.Output;
            o.WriteLine($"RAFT{(model.Config.Small ? "-small" : "-large")}, {r.GetValue(size)}², {r.GetValue(iters)} iterations, fp32, {dev}{CpuNote(dev)}");
            var rows = RaftBenchmark.Run(model, r.GetValue(size), r.GetValue(iters), r.GetValue(repeats), dev, l => r.InvocationConfiguration.Error.WriteLine(l));
            o.WriteLine($"{"configuration",-48} {"ms/call",10} {"vs forward",12}");
            foreach (var row in rows) o.WriteLine($"{row.Name,-48} {row.MsPerCall,10:0.0} {row.MsPerCall / rows[0].MsPerCall,11:0.00}x");
            if (r.GetValue(phases))
            {
                var parts = RaftPhaseBenchmark.Run(model, r.GetValue(size), r.GetValue(iters), r.GetValue(repeats), dev, l => r.InvocationConfiguration.Error.WriteLine(l));
                o.WriteLine();
                o.WriteLine($"{"phase (alone, on the shapes of the call above)",-48} {"forward ms",10} {"fwd+bwd ms",10} {"bwd/fwd",8}");
                foreach (var p in parts) o.WriteLine($"{p.Name,-48} {p.ForwardMs,10:0.0} {p.ForwardBackwardMs,10:0.0} {(p.ForwardBackwardMs - p.ForwardMs) / p.ForwardMs,7:0.00}x");
                o.WriteLine($"{"sum of the phases",-48} {parts.Sum(p => p.ForwardMs),10:0.0} {parts.Sum(p => p.ForwardBackwardMs),10:0.0}");
            }
            return CliApp.Ok;
        });
        return cmd;
    }

    private static string CpuNote(torch.Device device) =>
        device.type == DeviceType.CPU ? $" ({Motive.Models.Runtime.CpuKernels.Status}; {Motive.Models.Runtime.NativeHeap.Status})" : "";
}
