using System.CommandLine;
using System.Globalization;
using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;

namespace Motive.Cli.Commands.Move;

/// <summary>
/// The options of `motive move`: every generate.py argument under a recognisable name, plus the ways in that the
/// reference leaves to other scripts (a real image through inversion, strokes for the flow). Settings left out come
/// from the model's preset (its motive.json), else the reference's values; the help says which.
/// </summary>
public sealed class MoveOptions
{
    private static readonly MotionGuidanceOptions Embedded = MotionGuidanceMethod.Defaults(null), Reference = MotionGuidanceOptions.Reference;

    public readonly ModelOptions Models = new();
    public Option<string> Device => Models.Device;
    public readonly FlowBuilderOptions Strokes = new(scaleMeansCfg: true);   // --scale is the CFG scale here
    public readonly Option<string?> Raft = new("--raft") { Description = "RAFT checkpoint (princeton layout, e.g. raft-things.pth; default: the embedded toy RAFT)." };
    public readonly Option<string> Prompt = new("--prompt") { DefaultValueFactory = _ => "", Description = "The prompt (may be empty for real images); the unconditional prompt is \"\"." };
    public readonly Option<string?> InputDir = new("--input-dir") { Description = "A Motion Guidance example folder: pred.png, start_zt.pth, latents/zt.*.pth, flows/." };
    public readonly Option<string?> Image = new("--image") { Description = "A real image to edit: inverted with DDIM first (z_T and the cached latents)." };
    public readonly Option<string?> Size = new("--size") { Description = "WxH of the generated source when neither --input-dir nor --image is given (default: the model's own size, 512x512 for SD 1.x, 128x128 for the embedded model)." };
    public readonly Option<string?> TargetFlow = new("--target-flow") { Description = "The target flow (.pth (1,2,H,W), .flo, .npy, .safetensors), in the input image's pixels; with --input-dir, a name in its flows/. Or use the strokes (--translate ...)." };
    public readonly Option<string> EditMask = new("--edit-mask") { DefaultValueFactory = _ => "auto", Description = "auto (the cells the flow leaves or reaches, dilated by --mask-margin), none (edit everywhere), or a file: *.mask.pth (True = keep) or a picture (white = free)." };
    public readonly Option<int?> MaskMargin = new("--mask-margin") { Description = "Dilation of the automatic edit region, in latent cells (8 px)." + From(o => o.MaskMargin) };
    public readonly Option<string?> GuidanceSchedule = new("--guidance-schedule") { Description = "Per-step multipliers of the guidance weight: ones, linear:A:B, until:F, or a .npy file." + From(o => o.GuidanceSchedule) };
    public readonly Option<int?> Steps = new("--steps") { Description = "DDIM steps." + From(o => o.Steps) };
    public readonly Option<double?> Eta = new("--eta") { Description = "DDIM eta." + From(o => o.Eta) };
    public readonly Option<double?> Scale = new("--scale") { Description = "Classifier-free guidance scale." + From(o => o.Cfg) };
    public readonly Option<int?> Recursions = new("--recursions", "--num-recursive-steps") { Description = "Recursive denoising repeats per step (time travel)." + From(o => o.Recursions) };
    public readonly Option<double?> GuidanceWeight = new("--guidance-weight") { Description = "Weight of the energy gradient." + From(o => o.GuidanceWeight) };
    public readonly Option<double?> ColorWeight = new("--color-weight") { Description = "Weight of the colour (warp) loss." + From(o => o.ColorWeight) };
    public readonly Option<double?> FlowWeight = new("--flow-weight") { Description = "Weight of the flow loss." + From(o => o.FlowWeight) };
    public readonly Option<bool> NoOcclusionMasking = new("--no-occlusion-masking") { Description = "Plain L1 colour loss (no occlusion mask)." };
    public readonly Option<bool> OracleFlow = new("--oracle-flow") { Description = "Warp with the target flow instead of RAFT's in the colour loss." };
    public readonly Option<double?> ClipGrad = new("--clip-grad") { Description = "Gradient clipping threshold (0 = off)." + From(o => o.ClipGrad) };
    public readonly Option<bool?> UseCachedLatents = new("--use-cached-latents") { Description = "Copy the cached trajectory outside the edit (true, as every reference example) or the source re-noised afresh (false)." + From(o => o.UseCachedLatents) };
    public readonly Option<bool> NoInitStartZt = new("--no-init-start-zt") { Description = "Start from fresh seeded noise instead of the source's z_T." };
    public readonly Option<int?> RaftIters = new("--raft-iters") { Description = "RAFT iterations inside the energy." + From(o => o.RaftIters) };
    public readonly Option<bool> ExplicitAttention = new("--explicit-attention") { Description = "softmax(QKᵀ)V attention, as the reference (default: fused)." };
    public readonly Option<double?> MaxMemory = EditRunner.MaxMemoryOption();
    public readonly Option<bool> LeanMemory = new("--lean-memory") { Description = "The same edit in less memory, about a third slower: the energy's gradient taken a part at a time." };
    public readonly Option<string> SaveDir = new("--save-dir", "--out") { Description = "Output folder (written whole at the end; an existing one must be empty or an earlier result).", Required = true };
    public readonly Option<int?> LogFreq = new("--log-freq") { Description = "Every N steps, save the decoded x̂₀ and RAFT's flow of it (0 = never)." + From(o => o.LogFreq) };
    public readonly Option<long> Seed = new("--seed") { DefaultValueFactory = _ => 0L, Description = "Seed of the recursion noise (and of the source / fresh z_T)." };

    public void AddTo(Command c)
    {
        Models.AddTo(c);
        foreach (var o in new Option[] { Raft, Prompt, InputDir, Image, Size, TargetFlow, EditMask, MaskMargin, GuidanceSchedule,
                     Steps, Eta, Scale, Recursions, GuidanceWeight, ColorWeight, FlowWeight, NoOcclusionMasking, OracleFlow, ClipGrad, UseCachedLatents,
                     NoInitStartZt, RaftIters, ExplicitAttention, LeanMemory, MaxMemory, SaveDir, LogFreq, Seed })
            c.Add(o);
        Strokes.AddTo(c);
    }

    /// <summary>Where a default comes from, for --help.</summary>
    private static string From<T>(Func<MotionGuidanceOptions, T> pick)
    {
        string V(T v) => Convert.ToString(v, CultureInfo.InvariantCulture)?.ToLowerInvariant() ?? "";
        string embedded = V(pick(Embedded)), reference = V(pick(Reference));
        return embedded == reference
            ? $" Default: {reference}."
            : $" Default: the model's preset ({embedded} from the embedded model's {MethodPresets.FileName}), else the reference's {reference}.";
    }

    /// <summary>The options as a request: files named as full paths (so the run.json replays from anywhere), settings only where given.</summary>
    public MotionGuidanceRequest Request(ParseResult r)
    {
        string? dir = r.GetValue(InputDir), image = r.GetValue(Image);
        if (dir is not null && image is not null) throw new ArgumentException("give --input-dir or --image, not both");
        MotionSource source = dir is not null ? new ExampleSource(Path.GetFullPath(dir)) : image is not null ? new ImageSource(Path.GetFullPath(image)) : Generated(r.GetValue(Size));
        var flow = r.GetValue(TargetFlow);
        bool strokes = Strokes.Given(r);
        if (flow is not null && strokes) throw new ArgumentException("give --target-flow or strokes (--translate, --rotate, ...), not both");
        if (flow is null && !strokes) throw new ArgumentException("say where things move: --target-flow FILE or strokes (--translate DX,DY, --rotate DEG, --zoom F, --stretch F,ANGLE, --drag X1,Y1:X2,Y2)");
        var mask = r.GetValue(EditMask)!;
        return new MotionGuidanceRequest
        {
            Model = Models.Ref(r),
            Raft = Full(r.GetValue(Raft)),
            Prompt = r.GetValue(Prompt)!,
            Source = source,
            // In an example folder, a flow or mask name is looked up in its flows/ (as the reference's scripts do).
            Motion = strokes ? new TargetMotion(Draw: Strokes.Spec(r)) : new TargetMotion(Flow: dir is null ? Full(flow) : flow),
            EditMask = mask is "auto" or "none" || dir is not null ? mask : Full(mask)!,
            Seed = r.GetValue(Seed),
            Settings = new MotionGuidanceOptions
            {
                Steps = r.GetValue(Steps), Recursions = r.GetValue(Recursions), Cfg = r.GetValue(Scale), GuidanceWeight = r.GetValue(GuidanceWeight),
                ColorWeight = r.GetValue(ColorWeight), FlowWeight = r.GetValue(FlowWeight), ClipGrad = r.GetValue(ClipGrad),
                OcclusionMasking = r.GetValue(NoOcclusionMasking) ? false : null, OracleFlow = r.GetValue(OracleFlow) ? true : null, Eta = r.GetValue(Eta),
                RaftIters = r.GetValue(RaftIters), GuidanceSchedule = Schedule(r.GetValue(GuidanceSchedule)), ExplicitAttention = r.GetValue(ExplicitAttention) ? true : null,
                LeanMemory = r.GetValue(LeanMemory) ? true : null,
                MaskMargin = r.GetValue(MaskMargin), UseCachedLatents = r.GetValue(UseCachedLatents), InitStartZt = r.GetValue(NoInitStartZt) ? false : null,
                LogFreq = r.GetValue(LogFreq),
            },
        };
    }

    private static GeneratedSource Generated(string? size)
    {
        if (size is null) return new GeneratedSource();
        var (w, h) = FlowBuilderOptions.Pair(size, "--size", 'x');
        EditLimits.CheckSize("--size", (long)Math.Min(w, long.MaxValue), (long)Math.Min(h, long.MaxValue));
        if (w != Math.Floor(w) || h != Math.Floor(h)) throw new ArgumentException($"--size: {size} is not whole pixels");
        return new GeneratedSource((int)w, (int)h);
    }

    private static string? Schedule(string? spec) => spec is not null && spec.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? Full(spec) : spec;

    private static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);
}
