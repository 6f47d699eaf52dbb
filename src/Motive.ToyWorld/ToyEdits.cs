using Motive.Guidance.Sampler;
using Motive.Methods.MotionGuidance;
using Motive.Models.Flow;
using Motive.Models.Loading;
using Motive.Models.Raft;
using static TorchSharp.torch;

namespace Motive.ToyWorld;

/// <summary>An edited image (planar RGB in [0,1]), RAFT's flow from the source to it (2,H,W), and its score.</summary>
public sealed record ToyOutcome(string Method, float[] Image, Tensor AchievedFlow, ToyEditScore Score) : IDisposable
{
    public void Dispose() => AchievedFlow.Dispose();
}

/// <summary>
/// A toy case made ready for editing: the scene render as a real image, DDIM-inverted with its caption (z_T and the
/// trajectory), the exact target flow and the automatic edit mask (the cells the flow touches, dilated by
/// <c>maskMargin</c> cells). Motion Guidance and its no-guidance baseline run from the same inversion and seed, so
/// they differ by the guidance alone; the forward warp needs none of it.
/// </summary>
public sealed class ToyEdit : IDisposable
{
    public const string MotionGuidanceName = "motion-guidance", NoGuidanceName = "no-guidance", ForwardWarpName = "forward-warp";

    private readonly Tensor flow, keep;
    private readonly MotionGuidanceSource source;

    public ToyEdit(StableDiffusionModel model, ToyCase c, MotionGuidanceSettings settings, int maskMargin,
        Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        Case = c;
        Settings = settings;
        flow = tensor(c.Truth.Flow).view(2, c.Height, c.Width);
        using (var region = EditMask.Region(flow, margin: maskMargin)) keep = EditMask.ToMotionGuidanceMask(region);
        using var image = tensor(c.Truth.SourceRender.Image).view(1, 3, c.Height, c.Width) * 2 - 1;
        source = MotionGuidanceSource.Invert(model, image, c.Caption, settings, onStep: onStep, cancel: cancel);
    }

    public ToyCase Case { get; }
    public MotionGuidanceSettings Settings { get; }
    public Tensor Source => source.Image;
    public Tensor TargetFlow => flow;

    /// <summary>Motion Guidance with the case's exact flow as the target (guidance weight 0: the no-guidance baseline).</summary>
    public ToyOutcome Guided(StableDiffusionModel model, RaftModel raft, long seed, GuidanceTrace trace, bool guidance = true,
        Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        var settings = guidance ? Settings : Settings with { GuidanceWeight = 0 };
        var inputs = new MotionGuidanceInputs(source.Image, flow.unsqueeze(0), keep, source.StartLatent, source.Trajectory);
        using var result = MotionGuidanceEdit.Run(model, raft, Case.Caption, inputs, settings, seed, trace, onStep: onStep, cancel: cancel);
        var image = result.Image.contiguous().data<float>().ToArray();
        return Score(guidance ? MotionGuidanceName : NoGuidanceName, image, result.AchievedFlow.clone());
    }

    /// <summary>The naive baseline: every source pixel splatted to its nearest target pixel along the exact flow; what nothing lands on keeps the source.</summary>
    public ToyOutcome ForwardWarp(RaftModel raft)
    {
        int w = Case.Width, h = Case.Height, n = w * h;
        var src = Case.Truth.SourceRender.Image;
        var image = (float[])src.Clone();
        var f = Case.Truth.Flow;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                if (f[i] == 0 && f[n + i] == 0) continue;
                int tx = (int)Math.Round(x + f[i]), ty = (int)Math.Round(y + f[n + i]);
                if (tx < 0 || ty < 0 || tx >= w || ty >= h) continue;
                for (int ch = 0; ch < 3; ch++) image[ch * n + ty * w + tx] = src[ch * n + i];
            }
        using var t = tensor(image).view(1, 3, h, w);
        var (achieved, _, _) = MotionGuidanceEdit.Measure(raft, source.Image, t, flow, Settings);
        return Score(ForwardWarpName, image, achieved);
    }

    private ToyOutcome Score(string method, float[] image, Tensor achieved)
    {
        using var scope = NewDisposeScope();
        var epe = FlowOps.EndPointError(achieved.unsqueeze(0), flow.unsqueeze(0))[0];
        var moving = flow.square().sum(dim: 0).gt(0);
        double all = epe.mean().item<float>(), onMoving = epe.masked_select(moving).mean().item<float>();
        return new ToyOutcome(method, image, achieved, ToyEditScore.Of(Case, image, all, onMoving));
    }

    public void Dispose()
    {
        flow.Dispose();
        keep.Dispose();
        source.Dispose();
    }
}
