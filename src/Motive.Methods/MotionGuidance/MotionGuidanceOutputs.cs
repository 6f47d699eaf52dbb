using Motive.Guidance.Sampler;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// What a Motion Guidance edit leaves: result.png, summary.png (input | target flow | result | achieved flow, both
/// flows on one colour scale), metrics (the achieved flow's error against the target, the last energies),
/// target_flow.pth, edit_mask.pth and start_zt.pth in the reference's formats, and run.json's record (the source, the
/// sizes, every per-evaluation and per-step number). With log_freq N, recons/xt.NNNNN.png (decoded x̂₀) and
/// flow_viz/flow.NNNNN.png (RAFT's flow of it) every N steps, written into the result's work folder as they come.
/// </summary>
public static class MotionGuidanceOutputs
{
    /// <summary>The sampler callback that writes the intermediates of recursion 0 every <paramref name="logFreq"/> steps (null: none).</summary>
    public static Action<GuidedEvaluation>? Intermediates(string? workDir, int logFreq)
    {
        if (logFreq <= 0 || workDir is null) return null;
        Directory.CreateDirectory(Path.Combine(workDir, "recons"));
        Directory.CreateDirectory(Path.Combine(workDir, "flow_viz"));
        return ev =>
        {
            if (ev.Recursion != 0 || ev.Step % logFreq != 0) return;
            if (ev.Decoded is { } x) PngWriter.Write(Path.Combine(workDir, "recons", $"xt.{ev.Step:00000}.png"), ImageTensors.FromTensorPm1(x));
            if (ev.Artifacts.TryGetValue("flow", out var flow)) PngWriter.Write(Path.Combine(workDir, "flow_viz", $"flow.{ev.Step:00000}.png"), FlowColors.ToImage(flow[0]));
        };
    }

    public static EditResult Build(MotionGuidancePlan plan, MotionGuidanceInputs inputs, MotionGuidanceResult result, GuidanceTrace trace)
    {
        var metrics = MotionGuidanceMetrics.Of(result.AchievedFlow, plan.TargetFlow, result.FlowLoss, result.ColorLoss);
        var flows = FlowColors.OnOneScale(plan.TargetFlow, result.AchievedFlow);
        var panels = new[] { ImageTensors.FromTensorPm1(inputs.Source), flows[0], ImageTensors.FromTensor01(result.Image), flows[1] };
        var tensors = new List<(string, Tensor)> { ("target_flow.pth", plan.TargetFlow.unsqueeze(0).clone()), ("start_zt.pth", inputs.StartLatent.clone()) };
        if (plan.KeepMask is { } keep) tensors.Insert(1, ("edit_mask.pth", keep.clone()));
        var s = plan.Sizing;
        return new EditResult
        {
            Image = ImageTensors.FromTensor01(result.Image),
            Summary = ImageStrip.Join(panels),
            SummaryPanels = "input | target flow | result | achieved flow (RAFT from input to result), one colour scale",
            Metrics = new Dictionary<string, object?>
            {
                ["epe_mean"] = metrics.EpeMean, ["epe_moving"] = metrics.EpeMoving, ["epe_static"] = metrics.EpeStatic,
                ["flow_loss"] = metrics.FlowLoss, ["color_loss"] = metrics.ColorLoss, ["guided_evaluations"] = trace.Evaluations.Count,
            },
            Record = new Dictionary<string, object?>
            {
                ["source"] = plan.PlannedDescription,
                ["size"] = new Dictionary<string, object?> { ["input"] = $"{s.Width}x{s.Height}", ["run"] = $"{s.TargetWidth}x{s.TargetHeight}", ["resized"] = s.Resizes },
                ["cached_latents"] = inputs.CachedLatents is not null,
                ["per_step"] = PerStep(trace),
                ["per_evaluation"] = PerEvaluation(trace),
            },
            Tensors = tensors,
            Work = $"{trace.Evaluations.Count} guided evaluations",
            Headline = $"achieved flow vs target: EPE {Px(metrics.EpeMoving)} where it moves, {Px(metrics.EpeStatic)} where it stays",
        };
    }

    /// <summary>A mean over no pixels (a flow that moves everything, or nothing) is NaN: say so instead.</summary>
    private static string Px(double epe) => double.IsNaN(epe) ? "n/a (no such pixel)" : $"{epe:0.00} px";

    private static Dictionary<string, object> PerEvaluation(GuidanceTrace trace)
    {
        var evals = trace.Evaluations;
        var d = new Dictionary<string, object>
        {
            ["step"] = evals.Select(e => e.Step).ToArray(),
            ["recursion"] = evals.Select(e => e.Recursion).ToArray(),
            ["timestep"] = evals.Select(e => e.Timestep).ToArray(),
        };
        foreach (var name in trace.Names.ToList()) d[name] = trace.Series(name);
        return d;
    }

    /// <summary>Per step: the numbers of its last recursion (the one whose DDIM step the run keeps).</summary>
    private static Dictionary<string, object> PerStep(GuidanceTrace trace)
    {
        var evals = trace.Evaluations;
        var last = evals.Select((e, k) => (e, k)).GroupBy(p => p.e.Step).Select(g => g.Last().k).ToArray();
        var d = new Dictionary<string, object>
        {
            ["step"] = last.Select(k => evals[k].Step).ToArray(),
            ["timestep"] = last.Select(k => evals[k].Timestep).ToArray(),
        };
        foreach (var name in trace.Names.ToList()) { var s = trace.Series(name); d[name] = last.Select(k => s[k]).ToArray(); }
        return d;
    }
}

/// <summary>How far the result moved where asked: RAFT's flow from input to result against the target (px; NaN over no pixel).</summary>
public sealed record MotionGuidanceMetrics(double EpeMean, double EpeMoving, double EpeStatic, double FlowLoss, double ColorLoss)
{
    public static MotionGuidanceMetrics Of(Tensor achieved, Tensor target, double flowLoss, double colorLoss)
    {
        using var scope = NewDisposeScope();
        var epe = FlowOps.EndPointError(achieved.unsqueeze(0), target.unsqueeze(0))[0];
        var moving = target.abs().sum(dim: 0).gt(0);
        double Mean(Tensor m) => m.any().item<bool>() ? epe.masked_select(m).mean().item<float>() : double.NaN;
        return new MotionGuidanceMetrics(epe.mean().item<float>(), Mean(moving), Mean(moving.logical_not()), flowLoss, colorLoss);
    }
}
