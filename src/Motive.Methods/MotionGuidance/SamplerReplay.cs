using System.Text.Json;
using Motive.Guidance.Sampler;
using Motive.IO;
using Motive.IO.Safetensors;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.Sampling.Pipelines;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>One compared tensor: the worst element's excess over the tolerance (≤ 0 = within).</summary>
public sealed record ReplayCheck(string Name, double MaxAbsDiff, double RelativeL2, bool Ok);

/// <summary>The outcome of a replay: every compared tensor.</summary>
public sealed record ReplayReport(int Evaluations, IReadOnlyList<ReplayCheck> Checks)
{
    public bool Ok => Checks.All(c => c.Ok);

    public string Summary => Ok
        ? $"mg-sampler replay matches: {Evaluations} guided evaluations, {Checks.Count} tensors, worst relative L2 {Checks.Max(c => c.RelativeL2):g3} ({Checks.MaxBy(c => c.RelativeL2)!.Name})"
        : $"mg-sampler replay differs: {string.Join("; ", Checks.Where(c => !c.Ok).Select(c => $"{c.Name} max |diff| {c.MaxAbsDiff:g3}, relative L2 {c.RelativeL2:g3}"))}";
}

/// <summary>
/// Replays a recorded run of the reference sampler (the <c>mg_sampler</c> fixture format): its inputs, settings and
/// recursion noise go into <see cref="MotionGuidanceRun"/>, and the final latent, final image and every
/// per-evaluation energy, loss and norm are compared. Tolerance τ: |a − e| ≤ τ·max|e| + τ·|e| per element; the
/// default 1e-3 is the fixture README's relative tolerance for RAFT-guided gradients.
/// </summary>
public static class SamplerReplay
{
    public const double DefaultTolerance = 1e-3;

    public static ReplayReport Check(string file, string modelPath, string raftPath, double tolerance = DefaultTolerance, CancellationToken cancel = default)
    {
        using var run = SafetensorsFile.Open(file);
        Tensor T(string name) => (run.Tensors.FirstOrDefault(t => t.Name == name) ?? throw new MotiveFormatException(file, $"has no tensor '{name}'")).Load();
        var meta = run.Metadata;
        JsonElement M(string key) => meta.TryGetValue(key, out var v) ? JsonDocument.Parse(v).RootElement : throw new MotiveFormatException(file, $"metadata has no '{key}'");

        var settings = new MotionGuidanceSettings
        {
            Steps = M("steps").GetInt32(),
            Recursions = M("R").GetInt32(),
            Cfg = M("cfg").GetDouble(),
            GuidanceWeight = M("w").GetDouble(),
            ClipGrad = M("clip").GetDouble(),
            OcclusionMasking = M("occ").GetBoolean(),
            ColorWeight = M("color_weight").GetDouble(),
            FlowWeight = M("flow_weight").GetDouble(),
            Eta = M("eta").GetDouble(),
            Schedule = M("sched").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            ExplicitAttention = true,
        };
        using var model = StableDiffusionModel.Load(modelPath);
        var expectedSteps = M("ddim_timesteps_noisiest_first").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var steps = MotionGuidanceRun.Schedule(model).Timesteps(settings.Steps);
        if (!steps.SequenceEqual(expectedSteps))
            throw new MotiveFormatException(file, $"records timesteps [{string.Join(", ", expectedSteps)}], Motion Guidance's uniform spacing gives [{string.Join(", ", steps)}]");
        using var raft = RaftLoader.Load(raftPath);

        using var scope = NewDisposeScope();
        var inputs = new MotionGuidanceInputs(T("source"), T("target_flow"), T("edit_mask_keep").to(ScalarType.Bool), T("start_zt"), T("cached_latents"));
        using var cond = new Conditioning(T("cond"), T("uncond"), settings.Cfg);
        var noise = new ReplayedNoise(T("recursion_noise"));
        using var trace = new GuidanceTrace();
        var final = MotionGuidanceRun.Run(model, raft, cond, inputs, settings, noise, trace, cancel: cancel);
        Tensor image;
        using (no_grad()) image = model.Vae.Decode(final / model.Vae.Config.ScalingFactor).to(float32);

        var checks = new List<ReplayCheck> { Compare("final_latent", T("final_latent"), final, tolerance), Compare("final_image", T("final_image"), image, tolerance) };
        foreach (var (name, series) in new[] { ("energy", "motion"), ("flow_loss", "flow_loss"), ("color_loss", "color_loss"), ("guidance_norm", "guidance_norm"), ("noise_norm", "noise_norm") })
            checks.Add(Compare(name, T(name), tensor(trace.Series(series).Select(v => (float)v).ToArray()), tolerance));
        return new ReplayReport(trace.Evaluations.Count, checks);
    }

    private static ReplayCheck Compare(string name, Tensor expected, Tensor actual, double tolerance)
    {
        if (!expected.shape.SequenceEqual(actual.shape))
            return new ReplayCheck($"{name} (shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}])", double.NaN, double.NaN, false);
        var e = expected.to(float64).cpu();
        var a = actual.detach().to(float64).cpu();
        var diff = (a - e).abs();
        double scale = e.abs().max().item<double>();
        bool ok = (diff - (e.abs() * tolerance + tolerance * scale)).max().item<double>() <= 0 && !a.isnan().any().item<bool>();
        return new ReplayCheck(name, diff.max().item<double>(), (a - e).norm().item<double>() / Math.Max(e.norm().item<double>(), 1e-30), ok);
    }
}
