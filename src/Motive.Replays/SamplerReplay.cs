using Motive.Methods.Editing;
using System.Text.Json;
using Motive.Guidance.Sampler;
using Motive.IO;
using Motive.IO.Safetensors;
using Motive.Methods.MotionGuidance;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.Sampling.Pipelines;
using static TorchSharp.torch;

namespace Motive.Replays;

/// <summary>
/// Replays a recorded run of the reference sampler (the <c>mg_sampler</c> fixture format): its inputs, settings and
/// recursion noise go into <see cref="MotionGuidanceRun"/>; the final latent, the final image and every
/// per-evaluation energy, loss and norm are compared (relative L2). The RAFT is the one metadata `raft` names; the
/// format does not name its model, and its recordings ran on tiny-sd (fixtures README), so the model is tiny-sd beside
/// the recording unless `model` or <c>--model</c> says otherwise.
/// <para>
/// Why a twin spread: the motion energy's gradient is piecewise smooth (RAFT's ReLUs and bilinear lookups), so a
/// change of 1e-7 in the decoded image moves ∇E by ~5e-4 (measured in float64), and the run amplifies that over the
/// steps: z_T perturbed at float32 rounding level (relative 2⁻²⁴) moves the fixture's final latent by 0.3–0.9 %. The
/// reference's own float32 result is only determined to that level, so no float32 reimplementation can match it to
/// 1e-3 at the end. The replay therefore runs <c>twins</c> more times with z_T perturbed by one rounding unit and
/// accepts a tensor when its distance to the recording is at most τ + 2·(largest twin distance). The first
/// evaluation, which rounding has not yet amplified, must match within τ alone; with twins = 0 everything must.
/// </para>
/// </summary>
public static class SamplerReplay
{
    public const string Format = "mg-sampler";

    /// <summary>`motive selftest mg-sampler`.</summary>
    public static ReplayKind Kind { get; } = new("mg-sampler",
        "Replay a recorded Motion Guidance sampler run (inputs, settings, recursion noise) and compare the final latent, the final image and every per-evaluation energy and norm.",
        "A recorded run in the mg_sampler format (.safetensors).",
        [
            ReplayKind.ModelOption,
            ToolOption.Text("--raft", "Override the RAFT checkpoint the recording's metadata names (relative to FILE's folder)."),
            ToolOption.Number("--tolerance", "Relative L2 tolerance τ (the first evaluation must be within it).", DefaultTolerance),
            ToolOption.Integer("--twins", "Twin runs with z_T perturbed by one float32 rounding unit; later tensors may differ by τ + 2× their largest twin distance (0 = τ everywhere).", DefaultTwins),
        ],
        (file, a, cancel) =>
        {
            if (a.Integer("--twins") < 0 || a.Number("--tolerance") <= 0) throw new ArgumentException("--twins must be 0 or more and --tolerance above 0");
            return Check(file, a.Text("--model"), a.Text("--raft"), a.Number("--tolerance"), a.Integer("--twins"), cancel);
        });

    public const double DefaultTolerance = 1e-3;
    public const int DefaultTwins = 3;
    private const double SpreadFactor = 2;

    private static readonly (string Recorded, string Series)[] SeriesNames =
        [("energy", "motion"), ("flow_loss", "flow_loss"), ("color_loss", "color_loss"), ("guidance_norm", "guidance_norm"), ("noise_norm", "noise_norm")];

    /// <summary>Replays <paramref name="file"/>; <paramref name="modelPath"/> and <paramref name="raftPath"/> override what the recording names.</summary>
    public static ReplayReport Check(string file, string? modelPath = null, string? raftPath = null, double tolerance = DefaultTolerance,
        int twins = DefaultTwins, CancellationToken cancel = default)
    {
        using var run = SafetensorsFile.Open(file);
        modelPath = RecordedPaths.Resolve(file, run.Metadata, "model", "--model", modelPath, fallback: "tiny-sd");
        raftPath = RecordedPaths.Resolve(file, run.Metadata, "raft", "--raft", raftPath);
        Tensor T(string name) => (run.Tensors.FirstOrDefault(t => t.Name == name) ?? throw new MotiveFormatException(file, $"has no tensor '{name}'")).Load();
        var settings = Settings(file, run.Metadata);
        using var model = StableDiffusionModel.Load(modelPath);
        var expectedSteps = Meta(file, run.Metadata, "ddim_timesteps_noisiest_first").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var steps = MotionGuidanceRun.Schedule(model).Timesteps(settings.Steps);
        if (!steps.SequenceEqual(expectedSteps))
            throw new MotiveFormatException(file, $"records timesteps [{string.Join(", ", expectedSteps)}], Motion Guidance's uniform spacing gives [{string.Join(", ", steps)}]");
        using var raft = RaftLoader.Load(raftPath);

        using var scope = NewDisposeScope();
        using var cond = new Conditioning(T("cond"), T("uncond"), settings.Cfg);
        var recorded = new MotionGuidanceInputs(T("source"), T("target_flow"), T("edit_mask_keep").to(ScalarType.Bool), T("start_zt"), T("cached_latents"));
        var recursionNoise = T("recursion_noise");
        Dictionary<string, Tensor> Replay(Tensor start, out int evaluations)
        {
            using var trace = new GuidanceTrace();
            var final = MotionGuidanceRun.Run(model, raft, cond, recorded with { StartLatent = start }, settings, new ReplayedNoise(recursionNoise), trace, cancel: cancel);
            var result = new Dictionary<string, Tensor> { ["final_latent"] = final };
            using (no_grad()) result["final_image"] = model.Vae.Decode(final / model.Vae.Config.ScalingFactor).to(float32);
            foreach (var (name, series) in SeriesNames) result[name] = tensor(trace.Series(series));
            evaluations = trace.Evaluations.Count;
            return result;
        }

        var ours = Replay(recorded.StartLatent, out int evaluations);
        var twinRuns = Enumerable.Range(1, twins).Select(k => Replay(PerturbByRounding(recorded.StartLatent, k), out _)).ToList();

        var checks = new List<ReplayCheck>();
        foreach (var (name, actual) in ours)
        {
            var expected = T(name);
            if (!expected.shape.SequenceEqual(actual.shape))
                throw new MotiveFormatException(file, $"records '{name}' as [{string.Join(",", expected.shape)}], the replay gives [{string.Join(",", actual.shape)}]");
            double spread = twinRuns.Count == 0 ? 0 : twinRuns.Max(twin => RelativeL2(twin[name], actual));
            checks.Add(new ReplayCheck(name, RelativeL2(actual, expected), tolerance + SpreadFactor * spread, ReplayCheck.RelativeL2, spread));
            if (actual.dim() == 1)
                checks.Add(new ReplayCheck($"{name}[0]", RelativeL2(actual[..1], expected[..1]), tolerance, ReplayCheck.RelativeL2));
        }
        return new ReplayReport(Format, checks, $"{evaluations} guided evaluations");
    }

    /// <summary>z·(1 + 2⁻²⁴·n), n ~ N(0,1) from a fixed seed: one float32 rounding unit, deterministic.</summary>
    private static Tensor PerturbByRounding(Tensor z, int seed)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        var n = randn(z.shape, dtype: float64, generator: generator);
        return (z.to(float64) * (1 + n * Math.Pow(2, -24))).to(z.dtype);
    }

    private static double RelativeL2(Tensor actual, Tensor expected)
    {
        var e = expected.detach().to(float64).cpu();
        var a = actual.detach().to(float64).cpu();
        return (a - e).norm().item<double>() / Math.Max(e.norm().item<double>(), 1e-30);
    }

    private static MotionGuidanceSettings Settings(string file, IReadOnlyDictionary<string, string> meta) => new()
    {
        Steps = Meta(file, meta, "steps").GetInt32(),
        Recursions = Meta(file, meta, "R").GetInt32(),
        Cfg = Meta(file, meta, "cfg").GetDouble(),
        GuidanceWeight = Meta(file, meta, "w").GetDouble(),
        ClipGrad = Meta(file, meta, "clip").GetDouble(),
        OcclusionMasking = Meta(file, meta, "occ").GetBoolean(),
        ColorWeight = Meta(file, meta, "color_weight").GetDouble(),
        FlowWeight = Meta(file, meta, "flow_weight").GetDouble(),
        Eta = Meta(file, meta, "eta").GetDouble(),
        Schedule = Meta(file, meta, "sched").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
        ExplicitAttention = true,
    };

    private static JsonElement Meta(string file, IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) ? JsonDocument.Parse(v).RootElement : throw new MotiveFormatException(file, $"metadata has no '{key}'");
}
