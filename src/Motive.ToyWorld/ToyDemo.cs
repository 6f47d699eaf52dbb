using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;
using Motive.Models.Flow;
using Motive.ToyWorld.Scenes;
using static TorchSharp.torch;

namespace Motive.ToyWorld;

/// <summary>What the demo did: the case, what the edit wrote, and its score against the exact ground truth.</summary>
public sealed record ToyDemoOutcome(ToyCase Case, EditOutcome Edit, ToyEditScore Score);

/// <summary>
/// `motive demo` in the library: a toy case edited by Motion Guidance through the one run path exactly as
/// `motive move` edits a picture (its render and exact flow as input files, inverted with its caption, settings over
/// the model's preset), then scored against the exact truth. The result folder is an ordinary one, with the inputs
/// in it (so its run.json replays with `motive run`), the ground truth, both flows and the score added.
/// </summary>
public sealed class ToyDemo : IDisposable
{
    private readonly ToyCase c;
    private readonly string inputs;
    private readonly EditRun run;

    private ToyDemo(ToyCase c, string inputs, EditRun run)
    {
        this.c = c;
        this.inputs = inputs;
        this.run = run;
    }

    /// <summary>Writes the case's inputs to a temporary folder and plans the edit (bad settings are refused here, before any model is loaded).</summary>
    public static ToyDemo Plan(ToyModels models, ToyCase c, ToyOverrides overrides)
    {
        var inputs = Directory.CreateTempSubdirectory("motive-demo-").FullName;
        try
        {
            ToyEdit.WriteInputs(c, inputs);
            return new ToyDemo(c, inputs, EditRun.Plan(ToyEdit.RequestFor(models, c, overrides.Settings), new FileInputs(inputs), models.Models));
        }
        catch
        {
            Motive.IO.Folders.TryDelete(inputs);
            throw;
        }
    }

    /// <summary>Runs the planned edit into <paramref name="outDir"/> through the one run path and scores it.</summary>
    public ToyDemoOutcome Run(string outDir, EditRunOptions options)
    {
        ToyEditScore? score = null;
        var edit = run.Run(outDir, options with
        {
            Finish = f =>
            {
                var added = Scored(f, c, inputs, options.Finish?.Invoke(f) ?? f.Result);
                score = (ToyEditScore)added.Metrics["score"]!;
                return added;
            },
        });
        return new ToyDemoOutcome(c, edit, score!);
    }

    public void Dispose()
    {
        run.Dispose();
        Motive.IO.Folders.TryDelete(inputs);
    }

    private static EditResult Scored(EditFinish f, ToyCase c, string inputs, EditResult result)
    {
        var plan = (MotionGuidancePlan)f.Plan;
        using var outcome = ToyEdit.Measure(f.Session.Models.Raft(plan.Raft), c, ToyEdit.MotionGuidanceName, ToyEdit.Planar(result.Image),
            plan.PrepareSource(f.Session).Image, plan.TargetFlow, plan.Settings);
        var truth = Picture(c.Truth.TargetRender.Image, c.Width, c.Height);
        using var target = tensor(c.Truth.Flow).view(2, c.Height, c.Width);
        var flows = FlowColors.OnOneScale(target, outcome.AchievedFlow);
        return result with
        {
            Summary = ImageStrip.Join([c.Truth.SourceRender.ToRgb(), flows[0], result.Image, flows[1], truth]),
            SummaryPanels = "input | target flow | result | achieved flow (RAFT from input to result) | ground truth",
            Pictures = [.. result.Pictures, ("ground_truth.png", truth), ("target_flow.png", flows[0]), ("achieved_flow.png", flows[1]),
                (Evaluation.ToyCaseSheet.RegionsFile, EditRegions.Of(c.Truth).Picture(c.Truth.TargetRender.Image))],
            // The inputs, under the names the request gives them, so the folder's run.json replays.
            Files = [.. result.Files, .. new[] { ToyEdit.SceneFile, ToyEdit.FlowFile }.Select(n => (n, File.ReadAllBytes(Path.Combine(inputs, n))))],
            Metrics = new Dictionary<string, object?> { ["edit"] = c.Description, ["caption"] = c.Caption, ["seed"] = c.Seed, ["score"] = outcome.Score, ["method"] = result.Metrics },
        };
    }

    private static RgbImage Picture(float[] planar, int w, int h)
    {
        using var t = tensor(planar).view(1, 3, h, w);
        return ImageTensors.FromTensor01(t);
    }
}
