using System.CommandLine;
using System.Diagnostics;
using Motive.Cli.Progress;
using Motive.Guidance.Sampler;
using Motive.Methods.MotionGuidance;
using Motive.Models.Raft;

namespace Motive.Cli.Commands.Move;

/// <summary>
/// `motive move`: Motion Guidance end to end (generate.py and the steps around it): prepare the source, the target
/// flow and the edit mask, run the guided sampler, and write the result folder (see <see cref="MoveOutputs"/>).
/// </summary>
public static class MoveCommand
{
    public static Command Create()
    {
        var o = new MoveOptions();
        var cmd = new Command("move", "Move what, where: re-synthesise an image so that it follows a target optical flow (Motion Guidance).");
        o.AddTo(cmd);
        cmd.SetAction((r, cancel) =>
        {
            var stderr = r.InvocationConfiguration.Error;
            var settings = o.Settings(r);
            using var model = o.Model.Load(r);
            using var raft = RaftLoader.Load(r.GetValue(o.Raft)!);
            var clock = Stopwatch.StartNew();
            using var run = MoveRun.Prepare(r, o, model, raft.MinimumSide, settings, stderr, cancel);
            var outputs = new MoveOutputs(r.GetValue(o.SaveDir)!);
            using var trace = new GuidanceTrace();
            var prompt = r.GetValue(o.Prompt)!;
            long seed = r.GetValue(o.Seed);
            using var result = ConsoleProgress.Run("move", settings.Steps, "steps", stderr, p =>
                MotionGuidanceEdit.Run(model, raft, prompt, run.Inputs, settings, seed, trace, outputs.Intermediates(r.GetValue(o.LogFreq)),
                    (done, _) => p.Report(done), cancel));
            var parameters = Parameters(r, o, settings);
            var metrics = outputs.Write(run, result, trace, parameters, clock.Elapsed);
            r.InvocationConfiguration.Output.WriteLine(
                $"wrote {outputs.Dir}: result.png, summary.png, run.json ({trace.Evaluations.Count} guided evaluations, {clock.Elapsed.TotalSeconds:0.0} s); " +
                $"achieved flow vs target: EPE {Px(metrics.EpeMoving)} where it moves, {Px(metrics.EpeStatic)} where it stays");
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }

    /// <summary>A mean over no pixels (a flow that moves everything, or nothing) is NaN: say so instead.</summary>
    private static string Px(double epe) => double.IsNaN(epe) ? "n/a (no such pixel)" : $"{epe:0.00} px";

    private static Dictionary<string, object?> Parameters(ParseResult r, MoveOptions o, MotionGuidanceSettings s) => new()
    {
        ["model"] = r.GetValue(o.Model.Model), ["raft"] = r.GetValue(o.Raft), ["prompt"] = r.GetValue(o.Prompt),
        ["input_dir"] = r.GetValue(o.InputDir), ["image"] = r.GetValue(o.Image), ["target_flow"] = r.GetValue(o.TargetFlow),
        ["edit_mask"] = r.GetValue(o.EditMask), ["guidance_schedule"] = r.GetValue(o.GuidanceSchedule),
        ["steps"] = s.Steps, ["eta"] = s.Eta, ["scale"] = s.Cfg, ["recursions"] = s.Recursions, ["guidance_weight"] = s.GuidanceWeight,
        ["color_weight"] = s.ColorWeight, ["flow_weight"] = s.FlowWeight, ["occlusion_masking"] = s.OcclusionMasking,
        ["oracle_flow"] = s.OracleFlow, ["clip_grad"] = s.ClipGrad, ["use_cached_latents"] = r.GetValue(o.UseCachedLatents),
        ["init_start_zt"] = !r.GetValue(o.NoInitStartZt), ["raft_iters"] = s.RaftIterations, ["explicit_attention"] = s.ExplicitAttention,
        ["log_freq"] = r.GetValue(o.LogFreq), ["seed"] = r.GetValue(o.Seed), ["dtype"] = r.GetValue(o.Model.DType), ["device"] = r.GetValue(o.Model.Device),
    };
}
