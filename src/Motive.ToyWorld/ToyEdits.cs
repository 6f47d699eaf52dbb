using Motive.IO.Checkpoints;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;
using Motive.Models.Flow;
using Motive.Models.Raft;
using static TorchSharp.torch;

namespace Motive.ToyWorld;

/// <summary>An edited image (planar RGB in [0,1]), RAFT's flow from the source to it (2,H,W), its score, and the method's result.</summary>
public sealed record ToyOutcome(string Method, float[] Image, Tensor AchievedFlow, ToyEditScore Score, EditResult? Result = null) : IDisposable
{
    public void Dispose()
    {
        AchievedFlow.Dispose();
        Result?.Dispose();
    }
}

/// <summary>
/// A toy case made ready for editing exactly as `motive move` makes a picture ready: the scene's render saved as a
/// PNG and its exact flow as a .pth, then a Motion Guidance request on them (image source inverted with the caption,
/// the automatic edit mask, settings over the model's preset) planned and its source inverted once. Motion Guidance
/// and its no-guidance baseline run from that one inversion and seed, so they differ by the guidance alone; the
/// forward warp needs none of it.
/// </summary>
public sealed class ToyEdit : IDisposable
{
    public const string MotionGuidanceName = "motion-guidance", NoGuidanceName = "no-guidance", ForwardWarpName = "forward-warp";
    public const string SceneFile = "scene.png", FlowFile = "target_flow.pth";

    private readonly MotionGuidancePlan plan;
    private readonly EditSession session;
    private readonly string? ownedDir;

    /// <summary>
    /// Writes the case's inputs into <paramref name="inputsDir"/> (a temporary folder when null), plans and inverts.
    /// <paramref name="settings"/> override the model's preset.
    /// </summary>
    public ToyEdit(ToyModels models, ToyCase c, MotionGuidanceOptions settings, Action<EditProgress>? progress = null, CancellationToken cancel = default,
        string? inputsDir = null)
    {
        Case = c;
        ownedDir = inputsDir is null ? Directory.CreateTempSubdirectory("motive-toy-").FullName : null;
        var dir = inputsDir ?? ownedDir!;
        WriteInputs(c, dir);
        Request = RequestFor(models, c, settings);
        session = new EditSession(models.Models, null, progress, cancel);
        plan = (MotionGuidancePlan)new MotionGuidanceMethod().Plan(Request, new FileInputs(dir));
        try
        {
            plan.PrepareSource(session);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The case's inputs as files: the scene's render (scene.png) and its exact flow ((1,2,H,W) target_flow.pth).</summary>
    public static void WriteInputs(ToyCase c, string dir)
    {
        Directory.CreateDirectory(dir);
        PngWriter.Write(Path.Combine(dir, SceneFile), c.Truth.SourceRender.ToRgb());
        using var flow = tensor(c.Truth.Flow).view(1, 2, c.Height, c.Width);
        TorchSaveWriter.WriteTensor(Path.Combine(dir, FlowFile), flow);
    }

    /// <summary>The Motion Guidance request of a case: its inputs (in <paramref name="inputs"/>, relative to where the request is read), its caption, its seed.</summary>
    public static MotionGuidanceRequest RequestFor(ToyModels models, ToyCase c, MotionGuidanceOptions settings, string inputs = "") => new()
    {
        Model = models.Model,
        Raft = models.RaftPath,
        Prompt = c.Caption,
        Source = new ImageSource(Path.Combine(inputs, SceneFile)),
        Motion = new TargetMotion(Flow: Path.Combine(inputs, FlowFile)),
        Seed = c.Seed,
        Settings = settings,
    };

    public ToyCase Case { get; }
    /// <summary>The request as given (input names relative to the inputs folder).</summary>
    public MotionGuidanceRequest Request { get; }
    /// <summary>The request with every default filled in.</summary>
    public MotionGuidanceRequest Resolved => plan.Request;
    public MotionGuidanceSettings Settings => plan.Settings;
    public Tensor TargetFlow => plan.TargetFlow;

    /// <summary>Motion Guidance with the case's exact flow as the target (guidance weight 0: the no-guidance baseline).</summary>
    public ToyOutcome Guided(bool guidance = true, string? workDir = null)
    {
        var settings = guidance ? Settings : Settings with { GuidanceWeight = 0 };
        var result = plan.Run(session with { WorkDir = workDir }, settings);
        try
        {
            return Outcome(guidance ? MotionGuidanceName : NoGuidanceName, Planar(result.Image), result);
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>The naive baseline's picture of a case (planar RGB in [0,1]): every source pixel splatted to its nearest target pixel along the exact flow; what nothing lands on keeps the source.</summary>
    public static float[] ForwardWarped(ToyCase c) => ForwardSplat.Planar(c.Truth.SourceRender.Image, c.Truth.Flow, 3, c.Width, c.Height);

    /// <summary>A picture of this case (planar RGB in [0,1]) measured: RAFT's flow from the source to it, and the score.</summary>
    private ToyOutcome Outcome(string method, float[] image, EditResult? result) =>
        Measure(session.Models.Raft(plan.Raft), Case, method, image, plan.PrepareSource(session).Image, plan.TargetFlow, Settings, result);

    /// <summary>
    /// A picture of case <paramref name="c"/> scored: RAFT's flow from <paramref name="source"/> ([1,3,H,W] in [-1,1]) to it
    /// against <paramref name="targetFlow"/> (2,H,W), and the scene measures against the truth.
    /// </summary>
    public static ToyOutcome Measure(RaftModel raft, ToyCase c, string method, float[] image, Tensor source, Tensor targetFlow, MotionGuidanceSettings settings,
        EditResult? result = null)
    {
        using var t = tensor(image).view(1, 3, c.Height, c.Width);
        var (achieved, _, _) = MotionGuidanceEdit.Measure(raft, source, t, targetFlow, settings);
        using var scope = NewDisposeScope();
        var epe = FlowOps.EndPointError(achieved.unsqueeze(0), targetFlow.unsqueeze(0))[0];
        var moving = targetFlow.square().sum(dim: 0).gt(0);
        double all = epe.mean().item<float>(), onMoving = epe.masked_select(moving).mean().item<float>();
        return new ToyOutcome(method, image, achieved, ToyEditScore.Of(c, image, all, onMoving), result);
    }

    /// <summary>A picture as planar RGB in [0,1], the layout of the scene renders.</summary>
    public static float[] Planar(RgbImage picture)
    {
        int n = picture.Width * picture.Height;
        var image = new float[3 * n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                image[c * n + i] = picture.Pixels[3 * i + c] / 255f;
        return image;
    }

    public void Dispose()
    {
        plan?.Dispose();
        if (ownedDir is not null && Directory.Exists(ownedDir)) Directory.Delete(ownedDir, recursive: true);
    }
}
