using Motive.Methods.Editing;
using Motive.Guidance.Sampler;
using Motive.Methods.MotionGuidance;
using Motive.Models.Raft;
using Motive.Models.Runtime;
using Motive.Models.Unet;
using Motive.Models.Vae;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>One mode of `motive bench mg`: ms per guided evaluation, peak memory (RSS on CPU, the card's in use on CUDA), achieved TFLOP/s.</summary>
public sealed record MgBenchRow(string Mode, string Detail, double MsPerEvaluation, double PeakMiB, double EstimateMiB, double Tflops);

/// <summary>
/// Motion Guidance's guided evaluation (both CFG branches, x̂₀, the VAE decoder, RAFT and the losses, ∇E back to the
/// latent, the DDIM step) timed in each mode side by side on the same weights and inputs:
/// <list type="bullet">
/// <item><b>reference</b>: the reference's path: float32, softmax(QKᵀ)V attention, the host reading a number every evaluation;</item>
/// <item><b>fast</b>: fused attention, numbers fetched once a step, bf16 weights on CUDA (energies, schedule and latents float32);</item>
/// <item><b>lean</b>: fast, with ∇E a part at a time (<see cref="GuidedSamplerOptions.LeanMemory"/>): the memory of the largest part.</item>
/// </list>
/// TFLOP/s counts the forward multiply–adds of one evaluation (<see cref="FlopCount"/>) twice (the backward to the
/// inputs costs about one forward), the same number for every mode, so it compares like with like.
/// </summary>
public static class MotionGuidanceBenchmark
{
    public static readonly IReadOnlyList<string> Modes = ["reference", "fast", "lean"];

    private const int EditEvaluations = 5000;   // the reference edit: 500 steps × 10 recursions

    /// <summary>
    /// `motive bench mg`: on SD 1.5's architecture with random weights (or a real model) and RAFT-large, ms per
    /// evaluation, a 5,000-evaluation edit's projected time, peak memory, the speed-up over the reference mode and the
    /// achieved TFLOP/s.
    /// </summary>
    public static Tool Bench { get; } = new("mg", "Motion Guidance's guided evaluation, reference path against the fast and lean modes, side by side.",
        [
            BenchModel.Config, BenchModel.Model, ToolOption.Text("--raft", "A RAFT checkpoint (default: RAFT-large with random weights)."),
            BenchModel.Size(512, "Image side in pixels (a multiple of 64)."), ToolOption.Integer("--evals", "Timed evaluations per mode (after one to warm up).", 3),
            ToolOption.Text("--modes", "Modes to measure, in order: reference, fast, lean.", "reference,fast,lean"),
            ToolOption.Text("--fast-dtype", "Weights of the fast and lean modes: fp32, fp16 or bf16 (default: bf16 on CUDA, fp32 on CPU)."), BenchModel.Device,
        ],
        (a, o, log) =>
        {
            int px = BenchModel.CheckSize(a.Integer("--size")), n = a.Integer("--evals");
            if (n is < 1 or > 100) throw new ArgumentException("--evals must be between 1 and 100");
            var which = a.Text("--modes")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var mode in which)
                if (!Modes.Contains(mode)) throw new ArgumentException($"--modes: unknown mode '{mode}' (reference, fast, lean)");
            var dev = BenchModel.ParseDevice(a.Text("--device")!);
            var fast = EditModels.DTypeOption(a.Text("--fast-dtype") ?? (dev.type == DeviceType.CUDA ? "bf16" : "fp32"), "--fast-dtype");
            using var m = BenchModel.Load(a, ScalarType.Float32, dev, withVae: true);
            if (m.Vae is null) throw new ArgumentException($"--config {m.ConfigDir}: no vae/config.json (Motion Guidance decodes x̂₀)");
            var schedule = m.Sd is { } sd ? MotionGuidanceRun.Schedule(sd) : RandomSchedule(m.ConfigDir!);
            using var flowModel = a.Text("--raft") is { } rp ? RaftLoader.Load(rp) : RaftBenchmark.RandomLarge(dev);
            o.WriteLine($"model: {m.What}; UNet {m.Unet.parameters().Sum(p => p.numel()) / 1e6:0.0}M parameters; RAFT{(flowModel.Config.Small ? "-small" : "-large")}; {px}², CFG 7.5, {dev}{(dev.type == DeviceType.CPU ? $" ({get_num_threads()} threads; {CpuKernels.Status}; {NativeHeap.Status})" : "")}");
            var rows = Run(m.Unet, m.Vae, flowModel, schedule, px, n, which, fast, dev, log);
            double reference = rows.FirstOrDefault(x => x.Mode == "reference")?.MsPerEvaluation ?? double.NaN;
            string memory = dev.type == DeviceType.CUDA ? "card MiB" : "peak RSS MiB";
            o.WriteLine($"{"mode",-10} {"weights, attention",-36} {"ms/eval",9} {"5,000 evals",12} {memory,13} {"estimate MiB",13} {"vs reference",13} {"TFLOP/s",8}");
            foreach (var row in rows)
                o.WriteLine($"{row.Mode,-10} {row.Detail,-36} {row.MsPerEvaluation,9:0} {Duration(row.MsPerEvaluation * EditEvaluations),12} {row.PeakMiB,13:0} {row.EstimateMiB,13:0} " +
                            $"{(double.IsNaN(reference) ? "" : $"{reference / row.MsPerEvaluation:0.00}x"),13} {row.Tflops,8:0.000}");
            o.WriteLine("estimate: what `motive move` says before such a run (weights and graphs, without the process's own ~0.3 GiB)");
            o.WriteLine($"{TeraFlopsPerEvaluation(rows):0.00} TFLOP per evaluation (convolutions, linear layers and attention; forward counted, backward taken as one forward more)");
        });

    /// <summary>The DDIM schedule of a configs folder (its scheduler config, else SD's defaults), uniformly spaced.</summary>
    private static DdimSchedule RandomSchedule(string dir)
    {
        var scheduler = Path.Combine(dir, "scheduler", "scheduler_config.json");
        return DdimSchedule.From(File.Exists(scheduler) ? Motive.Models.Blocks.JsonConfig.Load(scheduler) : Motive.Models.Blocks.JsonConfig.Parse("{}")).WithSpacing(TimestepSpacing.Uniform);
    }

    private static string Duration(double ms) => TimeSpan.FromMilliseconds(ms) switch
    {
        var t when t.TotalHours >= 1 => $"{(int)t.TotalHours} h {t.Minutes:00} min",
        var t when t.TotalMinutes >= 1 => $"{(int)t.TotalMinutes} min {t.Seconds:00} s",
        var t => $"{t.TotalSeconds:0.0} s",
    };

    public static List<MgBenchRow> Run(UNet2DConditionModel unet, AutoencoderKL vae, RaftModel raft, DdimSchedule schedule, int size, int evaluations,
        IReadOnlyList<string> modes, ScalarType fastDtype, Device device, Action<string>? log = null)
    {
        foreach (var m in modes)
            if (!Modes.Contains(m)) throw new ArgumentException($"unknown bench mode '{m}' (modes: {string.Join(", ", Modes)})");
        var g = new Generator(0);
        long latent = size / 8, dim = unet.Config.CrossAttentionDim;
        using var source = (rand([1, 3, size, size], generator: g) * 2 - 1).to(device);
        using var flow = Translation(size).to(device);
        using var start = randn([1, 4, latent, latent], generator: g).to(device);
        using var cond = new Conditioning(randn([1, 77, dim], generator: g).to(device), randn([1, 77, dim], generator: g).to(device), 7.5);
        raft.to(device);
        long parameters = unet.parameters().Concat(vae.parameters()).Concat(raft.parameters()).Sum(p => p.numel());
        double flopsPerEvaluation = CountFlops(unet, vae, raft, cond, schedule.PredictionType, source, flow, start, device);
        var rows = new List<MgBenchRow>();
        foreach (var mode in modes)
        {
            var dtype = mode == "reference" ? ScalarType.Float32 : fastDtype;
            unet.to(dtype);
            vae.to(dtype);
            var denoiser = new UnetDenoiser(unet, vae, cond, schedule.PredictionType, dtype, device);
            using var energy = new MotionEnergy(raft, source, flow);
            var options = new GuidedSamplerOptions
            {
                Timesteps = schedule.Timesteps(500)[..(evaluations + 1)], Recursions = 1,
                ExplicitAttention = mode == "reference", LeanMemory = mode == "lean",
            };
            double peakCuda = 0;
            var clock = new System.Diagnostics.Stopwatch();
            void OnEvaluation(GuidedEvaluation e)
            {
                if (mode == "reference") _ = e.PredictedX0.abs().max().item<float>();   // the reference logs with .item() every evaluation
                peakCuda = Math.Max(peakCuda, DeviceMemory.CudaUsedMiB(device) ?? 0);
                log?.Invoke($"{mode}: evaluation {e.Step + 1}/{evaluations + 1}");
            }
            void OnStep(int done, int total)
            {
                if (done == 1) { BenchTimer.Sync(device); clock.Restart(); }   // the first evaluation warms up
            }
            var row = PhaseBench.Measure(mode, evaluations, null, () =>
            {
                using var trace = new GuidanceTrace();
                using var noise = new SeededNoise(0);
                using var z = GuidedDdimSampler.Sample(denoiser, new GuidanceRule(cond.GuidanceScale, 200), schedule, start,
                    [new GuidanceTerm(energy, 300)], options, noise, trace, OnEvaluation, OnStep);
                BenchTimer.Sync(device);
                clock.Stop();
            });
            double ms = clock.Elapsed.TotalMilliseconds / evaluations;
            string detail = $"{dtype switch { ScalarType.BFloat16 => "bf16", ScalarType.Float16 => "fp16", _ => "fp32" }}, {(mode == "reference" ? "explicit" : "fused")} attention{(mode == "lean" ? ", ∇E in parts" : "")}";
            var settings = new MotionGuidanceSettings { Cfg = cond.GuidanceScale, ExplicitAttention = mode == "reference", LeanMemory = mode == "lean" };
            double estimate = MotionGuidanceMemory.EstimateMiB(parameters, unet.Config.BlockOutChannels[0], dtype == ScalarType.Float32 ? 4 : 2, size, size, settings);
            var measured = new MgBenchRow(mode, detail, ms, device.type == DeviceType.CUDA ? peakCuda : row.PeakRssMiB, estimate, flopsPerEvaluation / (ms / 1000) / 1e12);
            log?.Invoke($"{mode}: {measured.MsPerEvaluation:0} ms per evaluation, peak {measured.PeakMiB:0} MiB");
            rows.Add(measured);
        }
        unet.to(ScalarType.Float32);
        vae.to(ScalarType.Float32);
        return rows;
    }

    /// <summary>
    /// The arithmetic of one evaluation, the same for every mode: the forward of both branches, the decoder and the
    /// energy, counted once without a graph, times two (the backward to the inputs costs about one forward more).
    /// </summary>
    private static double CountFlops(UNet2DConditionModel unet, AutoencoderKL vae, RaftModel raft, Conditioning cond, string predictionType,
        Tensor source, Tensor flow, Tensor start, Device device)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var energy = new MotionEnergy(raft, source, flow);
        var denoiser = new UnetDenoiser(unet, vae, cond, predictionType, ScalarType.Float32, device);
        using var count = FlopCount.Start();
        var output = denoiser.Predict(start, 500, null);
        energy.Evaluate(denoiser.Decode(output.Cond));
        return 2.0 * FlopCount.Total;
    }

    /// <summary>The forward FLOPs of one evaluation times two, as counted by the last <see cref="Run"/> (for the report).</summary>
    public static double TeraFlopsPerEvaluation(IReadOnlyList<MgBenchRow> rows) => rows.Count == 0 ? double.NaN : rows[0].Tflops * rows[0].MsPerEvaluation / 1000;

    /// <summary>The centre square moved right by 1/16 of the side: a typical small edit.</summary>
    private static Tensor Translation(int size)
    {
        var flow = zeros(1, 2, size, size);
        flow[0, 0, (size / 4)..(3 * size / 4), (size / 4)..(3 * size / 4)] = tensor(size / 16f);
        return flow;
    }
}
