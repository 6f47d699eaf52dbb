using Motive.Guidance.Sampler;
using Motive.Methods.Editing;
using Motive.Methods.ClassifierGuidance;
using Motive.Models.Unet;
using Motive.Models.Vae;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>One mode of `motive bench guide`: seconds per guided step, peak resident memory, and what the method estimates before such a run.</summary>
public sealed record GuideBenchRow(string Mode, string Detail, double SecondsPerStep, double PeakRssMiB, double EstimateMiB);

/// <summary>
/// Classifier guidance's guided step (the prompt's UNet branch, x̂₀, the VAE decoder, the classifier, ∇E back to the
/// latent, the DDIM step) on any UNet and VAE (random weights of SD 1.5's size, typically) with a classifier of the
/// shipped architecture (random weights: the arithmetic is the same), in the one-graph ("fast") and the lean mode side
/// by side. The first step warms up and is not timed; peak RSS is the process's high-water mark during the mode.
/// </summary>
public static class ClassifierGuidanceBenchmark
{
    public static readonly IReadOnlyList<string> Modes = ["fast", "lean"];

    /// <summary>`motive bench guide`.</summary>
    public static Tool Bench { get; } = new("guide", "Classifier guidance's guided step: time per step and peak memory, one graph against lean memory (random weights from configs unless --model).",
        [
            BenchModel.Config, BenchModel.Model, BenchModel.Size(512, "Picture side in pixels (a multiple of 64)."),
            ToolOption.Integer("--steps", "Timed guided steps per mode (after one to warm up).", 1),
            ToolOption.Text("--modes", "Modes to measure, in order: fast (one graph), lean.", "fast,lean"),
            ToolOption.Text("--dtype", "Weights of the UNet and VAE: fp32, fp16 or bf16.", "bf16"), BenchModel.Device,
        ],
        (a, o, log) =>
        {
            int px = a.Integer("--size"), n = a.Integer("--steps");
            if (px < 64 || px % 64 != 0 || px > EditLimits.MaxSide) throw new ArgumentException($"--size must be a multiple of 64 up to {EditLimits.MaxSide}");
            if (n is < 1 or > 100) throw new ArgumentException("--steps must be between 1 and 100");
            var which = a.Text("--modes")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var mode in which)
                if (!Modes.Contains(mode)) throw new ArgumentException($"--modes: unknown mode '{mode}' (fast, lean)");
            var dt = EditModels.DTypeOption(a.Text("--dtype")!);
            var dev = BenchModel.ParseDevice(a.Text("--device")!);
            using var m = BenchModel.Load(a, ScalarType.Float32, dev, withVae: true);
            if (m.Vae is null) throw new ArgumentException($"--config {m.ConfigDir}: no vae/config.json (classifier guidance decodes x̂₀)");
            var scheduler = m.ConfigDir is { } dir ? Path.Combine(dir, "scheduler", "scheduler_config.json") : null;
            var schedule = m.Sd is { } sd ? DdimSchedule.From(sd.SchedulerConfig)
                : DdimSchedule.From(scheduler is not null && File.Exists(scheduler) ? Motive.Models.Blocks.JsonConfig.Load(scheduler) : Motive.Models.Blocks.JsonConfig.Parse("{}"));
            o.WriteLine($"model: {m.What}; UNet {m.Unet.parameters().Sum(p => p.numel()) / 1e6:0.0}M parameters; {px}², CFG off, {a.Text("--dtype")}, {dev}{BenchModel.CpuNote(dev)}");
            var rows = Run(m.Unet, m.Vae, schedule, px, n, which, dt, dev, log);
            o.WriteLine($"{"mode",-6} {"weights, graph",-30} {"s/step",8} {"peak RSS MiB",13} {"estimate MiB",13}");
            foreach (var row in rows) o.WriteLine($"{row.Mode,-6} {row.Detail,-30} {row.SecondsPerStep,8:0.0} {row.PeakRssMiB,13:0} {row.EstimateMiB,13:0}");
            o.WriteLine("estimate: what `motive guide` says before such a run (weights and graphs, without the process's own ~0.3 GiB)");
        });

    public static List<GuideBenchRow> Run(UNet2DConditionModel unet, AutoencoderKL vae, DdimSchedule schedule, int size, int steps, IReadOnlyList<string> modes,
        ScalarType dtype, Device device, Action<string>? log = null)
    {
        foreach (var m in modes)
            if (!Modes.Contains(m)) throw new ArgumentException($"unknown bench mode '{m}' (modes: {string.Join(", ", Modes)})");
        var g = new Generator(0);
        long latent = size / 8, dim = unet.Config.CrossAttentionDim;
        manual_seed(0);
        using var classifier = new PictureClassifier("colour", ["red", "yellow", "green", "blue"]);
        classifier.to(device);
        foreach (var p in classifier.parameters()) p.requires_grad_(false);
        using var start = randn([1, 4, latent, latent], generator: g).to(device);
        using var cond = new Conditioning(randn([1, 77, dim], generator: g).to(device), randn([1, 77, dim], generator: g).to(device), 1.0);
        long parameters = unet.parameters().Concat(vae.parameters()).Sum(p => p.numel());
        unet.to(dtype);
        vae.to(dtype);
        var rows = new List<GuideBenchRow>();
        try
        {
            foreach (var mode in modes)
            {
                var denoiser = new UnetDenoiser(unet, vae, cond, schedule.PredictionType, dtype, device);
                var settings = new ClassifierGuidanceSettings(steps + 1, 1, 1, 10, 0, 1, mode == "lean");
                var options = new GuidedSamplerOptions { Timesteps = schedule.Timesteps(50)[..(steps + 1)], Recursions = 1, LeanMemory = mode == "lean" };
                var clock = new System.Diagnostics.Stopwatch();
                void OnStep(int done, int total)
                {
                    if (done == 1) { BenchTimer.Sync(device); clock.Restart(); }   // the first step warms up
                    log?.Invoke($"{mode}: step {done}/{total}");
                }
                var row = PhaseBench.Measure(mode, steps, null, () =>
                {
                    using var trace = new GuidanceTrace();
                    using var noise = new SeededNoise(0);
                    using var z = GuidedDdimSampler.Sample(denoiser, new GuidanceRule(1.0, 0), schedule, start,
                        [new GuidanceTerm(new ClassifierEnergy(classifier, 0), settings.Scale)], options, noise, trace, onStep: OnStep);
                    BenchTimer.Sync(device);
                    clock.Stop();
                });
                int bytes = dtype == ScalarType.Float32 ? 4 : 2;
                string detail = $"{dtype switch { ScalarType.BFloat16 => "bf16", ScalarType.Float16 => "fp16", _ => "fp32" }}, CFG off{(mode == "lean" ? ", ∇E in parts" : ", one graph")}";
                var measured = new GuideBenchRow(mode, detail, clock.Elapsed.TotalSeconds / steps, row.PeakRssMiB,
                    ClassifierGuidanceMemory.EstimateMiB(parameters, unet.Config.BlockOutChannels[0], bytes, size, settings));
                log?.Invoke($"{mode}: {measured.SecondsPerStep:0.0} s per step, peak RSS {measured.PeakRssMiB:0} MiB");
                rows.Add(measured);
            }
        }
        finally
        {
            unet.to(ScalarType.Float32);
            vae.to(ScalarType.Float32);
        }
        return rows;
    }
}
