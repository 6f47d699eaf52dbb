using System.Text.Json;
using System.Text.Json.Serialization;
using Motive.Guidance.Sampler;
using Motive.IO;
using Motive.IO.Checkpoints;
using Motive.IO.Images;
using Motive.Methods.MotionGuidance;
using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Cli.Commands.Move;

/// <summary>
/// What `motive move` leaves in its folder: result.png (parameters in its text chunks), summary.png (input, target
/// flow, result, achieved flow, side by side; both flows on one colour scale), run.json (parameters, inputs, every
/// per-evaluation number, per-step numbers, final metrics), target_flow.pth and edit_mask.pth (what was used, in
/// Motion Guidance's formats), start_zt.pth, and every --log-freq steps recons/xt.NNNNN.png (decoded x̂₀) and
/// flow_viz/flow.NNNNN.png (RAFT's flow of it).
/// </summary>
public sealed class MoveOutputs(string dir)
{
    public string Dir { get; } = dir;

    /// <summary>The sampler callback that writes the intermediates of recursion 0 every <paramref name="logFreq"/> steps.</summary>
    public Action<GuidedEvaluation>? Intermediates(int logFreq)
    {
        if (logFreq <= 0) return null;
        Directory.CreateDirectory(Path.Combine(Dir, "recons"));
        Directory.CreateDirectory(Path.Combine(Dir, "flow_viz"));
        return ev =>
        {
            if (ev.Recursion != 0 || ev.Step % logFreq != 0) return;
            if (ev.Decoded is { } x) PngWriter.Write(Path.Combine(Dir, "recons", $"xt.{ev.Step:00000}.png"), ImageTensors.FromTensorPm1(x));
            if (ev.Artifacts.TryGetValue("flow", out var flow)) PngWriter.Write(Path.Combine(Dir, "flow_viz", $"flow.{ev.Step:00000}.png"), FlowColors.ToImage(flow[0]));
        };
    }

    /// <summary>Writes everything but the intermediates; returns the achieved-flow error to the target.</summary>
    public MoveMetrics Write(MoveRun run, MotionGuidanceResult result, GuidanceTrace trace, IReadOnlyDictionary<string, object?> parameters, TimeSpan elapsed)
    {
        Directory.CreateDirectory(Dir);
        var metrics = MoveMetrics.Of(result.AchievedFlow, run.TargetFlow, result.FlowLoss, result.ColorLoss);
        var text = parameters.ToDictionary(kv => "motive." + kv.Key, kv => Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        text["motive.command"] = "move";
        text["motive.version"] = CliApp.Version;
        PngWriter.Write(Path.Combine(Dir, "result.png"), ImageTensors.FromTensor01(result.Image), text);

        var flows = FlowColors.OnOneScale(run.TargetFlow, result.AchievedFlow);
        var panels = new[] { ImageTensors.FromTensorPm1(run.Source), flows[0], ImageTensors.FromTensor01(result.Image), flows[1] };
        PngWriter.Write(Path.Combine(Dir, "summary.png"), ImageStrip.Join(panels), new Dictionary<string, string>
            { ["motive.panels"] = "input | target flow | result | achieved flow (RAFT from input to result), one colour scale" });

        using (var flow = run.TargetFlow.unsqueeze(0)) TorchSaveWriter.WriteTensor(Path.Combine(Dir, "target_flow.pth"), flow);
        if (run.KeepMask is { } keep) TorchSaveWriter.WriteTensor(Path.Combine(Dir, "edit_mask.pth"), keep);
        TorchSaveWriter.WriteTensor(Path.Combine(Dir, "start_zt.pth"), run.StartLatent);
        WriteRecord(run, trace, parameters, metrics, elapsed);
        return metrics;
    }

    private void WriteRecord(MoveRun run, GuidanceTrace trace, IReadOnlyDictionary<string, object?> parameters, MoveMetrics metrics, TimeSpan elapsed)
    {
        var evals = trace.Evaluations;
        var names = trace.Names.ToList();
        var perEvaluation = new Dictionary<string, object>
        {
            ["step"] = evals.Select(e => e.Step).ToArray(),
            ["recursion"] = evals.Select(e => e.Recursion).ToArray(),
            ["timestep"] = evals.Select(e => e.Timestep).ToArray(),
        };
        foreach (var name in names) perEvaluation[name] = trace.Series(name);
        // Per step: the numbers of its last recursion (the one whose DDIM step the run keeps).
        var last = evals.Select((e, k) => (e, k)).GroupBy(p => p.e.Step).Select(g => g.Last().k).ToArray();
        var perStep = new Dictionary<string, object>
        {
            ["step"] = last.Select(k => evals[k].Step).ToArray(),
            ["timestep"] = last.Select(k => evals[k].Timestep).ToArray(),
        };
        foreach (var name in names) { var s = (double[])perEvaluation[name]; perStep[name] = last.Select(k => s[k]).ToArray(); }

        var record = new Dictionary<string, object?>
        {
            ["motive_version"] = CliApp.Version,
            ["command"] = "move",
            ["parameters"] = parameters,
            ["source"] = run.Description,
            ["size"] = new { input = $"{run.Sizing.Width}x{run.Sizing.Height}", run = $"{run.Sizing.TargetWidth}x{run.Sizing.TargetHeight}", resized = run.Sizing.Resizes },
            ["elapsed_seconds"] = Math.Round(elapsed.TotalSeconds, 3),
            ["guided_evaluations"] = evals.Count,
            ["metrics"] = metrics,
            ["per_step"] = perStep,
            ["per_evaluation"] = perEvaluation,
        };
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        AtomicFile.WriteAllBytes(Path.Combine(Dir, "run.json"), JsonSerializer.SerializeToUtf8Bytes(record, options));
    }
}

/// <summary>How far the result moved where asked: RAFT's flow from input to result against the target.</summary>
public sealed record MoveMetrics(double EpeMean, double EpeMoving, double EpeStatic, double FlowLoss, double ColorLoss)
{
    public static MoveMetrics Of(Tensor achieved, Tensor target, double flowLoss, double colorLoss)
    {
        using var scope = NewDisposeScope();
        var epe = FlowOps.EndPointError(achieved.unsqueeze(0), target.unsqueeze(0))[0];
        var moving = target.abs().sum(dim: 0).gt(0);
        double Mean(Tensor m) => m.any().item<bool>() ? epe.masked_select(m).mean().item<float>() : double.NaN;
        return new MoveMetrics(epe.mean().item<float>(), Mean(moving), Mean(moving.logical_not()), flowLoss, colorLoss);
    }
}
