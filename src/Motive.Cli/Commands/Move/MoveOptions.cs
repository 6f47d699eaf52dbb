using System.CommandLine;
using Motive.Methods.MotionGuidance;
using Motive.ToyWorld;

namespace Motive.Cli.Commands.Move;

/// <summary>
/// The options of `motive move`: every generate.py argument under a recognisable name, with its default, plus the
/// ways in that the reference leaves to other scripts (a real image through inversion, strokes for the flow).
/// </summary>
public sealed class MoveOptions
{
    public readonly ModelOptions Model = new();
    public readonly FlowBuilderOptions Strokes = new(scaleMeansCfg: true);   // --scale is the CFG scale here
    public readonly Option<string> Raft = new("--raft")
    {
        Description = "RAFT checkpoint (princeton layout, e.g. raft-things.pth; default: the embedded toy RAFT).",
        DefaultValueFactory = _ => Path.Combine(ToyModels.DefaultDir, ToyModels.RaftFile),
    };
    public readonly Option<string> Prompt = new("--prompt") { DefaultValueFactory = _ => "", Description = "The prompt (may be empty for real images); the unconditional prompt is \"\"." };
    public readonly Option<string?> InputDir = new("--input-dir") { Description = "A Motion Guidance example folder: pred.png, start_zt.pth, latents/zt.*.pth, flows/." };
    public readonly Option<string?> Image = new("--image") { Description = "A real image to edit: inverted with DDIM first (z_T and the cached latents)." };
    public readonly Option<string?> Size = new("--size") { Description = "WxH of the generated source when neither --input-dir nor --image is given (default: the model's own size, 512x512 for SD 1.x, 128x128 for the embedded model)." };
    public readonly Option<string?> TargetFlow = new("--target-flow") { Description = "The target flow (.pth (1,2,H,W), .flo, .npy, .safetensors), in the input image's pixels; with --input-dir, a name in its flows/. Or use the strokes (--translate ...)." };
    public readonly Option<string> EditMask = new("--edit-mask") { DefaultValueFactory = _ => "auto", Description = "auto (the cells the flow leaves or reaches, dilated by --mask-margin), none (edit everywhere), or a file: *.mask.pth (True = keep) or a picture (white = free)." };
    public readonly Option<int> MaskMargin = new("--mask-margin") { DefaultValueFactory = _ => 1, Description = "Dilation of the automatic edit region, in latent cells (8 px)." };
    public readonly Option<string> GuidanceSchedule = new("--guidance-schedule") { DefaultValueFactory = _ => "ones", Description = "Per-step multipliers of the guidance weight: ones, linear:A:B, until:F, or a .npy file." };
    public readonly Option<int> Steps = new("--steps") { DefaultValueFactory = _ => 500, Description = "DDIM steps (the reference: 500)." };
    public readonly Option<double> Eta = new("--eta") { DefaultValueFactory = _ => 0.0, Description = "DDIM eta." };
    public readonly Option<double> Scale = new("--scale") { DefaultValueFactory = _ => 7.5, Description = "Classifier-free guidance scale." };
    public readonly Option<int> Recursions = new("--recursions", "--num-recursive-steps") { DefaultValueFactory = _ => 10, Description = "Recursive denoising repeats per step (time travel)." };
    public readonly Option<double> GuidanceWeight = new("--guidance-weight") { DefaultValueFactory = _ => 300.0, Description = "Weight of the energy gradient." };
    public readonly Option<double> ColorWeight = new("--color-weight") { DefaultValueFactory = _ => 100.0, Description = "Weight of the colour (warp) loss." };
    public readonly Option<double> FlowWeight = new("--flow-weight") { DefaultValueFactory = _ => 3.0, Description = "Weight of the flow loss." };
    public readonly Option<bool> NoOcclusionMasking = new("--no-occlusion-masking") { Description = "Plain L1 colour loss (no occlusion mask)." };
    public readonly Option<bool> OracleFlow = new("--oracle-flow") { Description = "Warp with the target flow instead of RAFT's in the colour loss." };
    public readonly Option<double> ClipGrad = new("--clip-grad") { DefaultValueFactory = _ => 200.0, Description = "Gradient clipping threshold (0 = off)." };
    public readonly Option<bool> UseCachedLatents = new("--use-cached-latents") { DefaultValueFactory = _ => true, Description = "Copy the cached trajectory outside the edit (true, as every reference example) or the source re-noised afresh (false)." };
    public readonly Option<bool> NoInitStartZt = new("--no-init-start-zt") { Description = "Start from fresh seeded noise instead of the source's z_T." };
    public readonly Option<int> RaftIters = new("--raft-iters") { DefaultValueFactory = _ => 5, Description = "RAFT iterations inside the energy." };
    public readonly Option<bool> ExplicitAttention = new("--explicit-attention") { Description = "softmax(QKᵀ)V attention, as the reference (default: fused)." };
    public readonly Option<string> SaveDir = new("--save-dir", "--out") { Description = "Output folder.", Required = true };
    public readonly Option<int> LogFreq = new("--log-freq") { DefaultValueFactory = _ => 0, Description = "Every N steps, save the decoded x̂₀ and RAFT's flow of it (0 = never)." };
    public readonly Option<long> Seed = new("--seed") { DefaultValueFactory = _ => 0L, Description = "Seed of the recursion noise (and of the source / fresh z_T)." };

    public void AddTo(Command c)
    {
        Model.AddTo(c);
        foreach (var o in new Option[] { Raft, Prompt, InputDir, Image, Size, TargetFlow, EditMask, MaskMargin, GuidanceSchedule, Steps, Eta, Scale,
                     Recursions, GuidanceWeight, ColorWeight, FlowWeight, NoOcclusionMasking, OracleFlow, ClipGrad, UseCachedLatents,
                     NoInitStartZt, RaftIters, ExplicitAttention, SaveDir, LogFreq, Seed })
            c.Add(o);
        Strokes.AddTo(c);
    }

    public MotionGuidanceSettings Settings(ParseResult r)
    {
        int steps = r.GetValue(Steps);
        if (steps < 1 || steps > 1000) throw new ArgumentException($"--steps must be between 1 and 1000, got {steps}");
        if (r.GetValue(Recursions) < 1) throw new ArgumentException("--recursions must be at least 1");
        if (r.GetValue(LogFreq) < 0) throw new ArgumentException("--log-freq must be 0 or more");
        return new MotionGuidanceSettings
        {
            Steps = steps,
            Recursions = r.GetValue(Recursions),
            Cfg = r.GetValue(Scale),
            GuidanceWeight = r.GetValue(GuidanceWeight),
            ColorWeight = r.GetValue(ColorWeight),
            FlowWeight = r.GetValue(FlowWeight),
            ClipGrad = r.GetValue(ClipGrad),
            OcclusionMasking = !r.GetValue(NoOcclusionMasking),
            OracleFlow = r.GetValue(OracleFlow),
            Eta = r.GetValue(Eta),
            RaftIterations = r.GetValue(RaftIters),
            Schedule = GuidanceScheduleSpec.Parse(r.GetValue(GuidanceSchedule)!, steps),
            ExplicitAttention = r.GetValue(ExplicitAttention),
        };
    }
}
