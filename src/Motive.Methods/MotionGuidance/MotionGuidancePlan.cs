using Motive.Guidance.Sampler;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// The source as read at plan time: a picture to invert, an example folder's tensors, or nothing yet (generated at
/// run time); <paramref name="Description"/> says which.
/// </summary>
public sealed record PlannedSource(string Description, RgbImage? Picture, Tensor? Image, Tensor? StartLatent, Tensor? Trajectory) : IDisposable
{
    public void Dispose()
    {
        Image?.Dispose();
        StartLatent?.Dispose();
        Trajectory?.Dispose();
    }
}

/// <summary>
/// A validated Motion Guidance edit: the resolved request, settings, sizes, source, target flow (2,H,W) at the run
/// size and keep mask. <see cref="PrepareSource"/> makes z_T and the cached trajectory (inversion or generation; done
/// once, so a caller can run guided and unguided from the same inversion), <see cref="Run(EditSession)"/> edits and builds the result.
/// </summary>
public sealed class MotionGuidancePlan : IEditPlan
{
    private readonly PlannedSource planned;
    private MotionGuidanceSource? prepared;

    public MotionGuidancePlan(MotionGuidanceRequest request, ModelRef model, string? raft, MotionGuidanceSettings settings, InputSizing sizing,
        PlannedSource source, Tensor targetFlow, Tensor? keepMask)
    {
        Request = request;
        Model = model;
        Raft = raft;
        Settings = settings;
        Sizing = sizing;
        planned = source;
        TargetFlow = targetFlow;
        KeepMask = keepMask;
    }

    public MotionGuidanceRequest Request { get; }
    EditRequest IEditPlan.Request => Request;
    /// <summary>The model with its paths resolved to files on this machine.</summary>
    public ModelRef Model { get; }
    public string? Raft { get; }
    public MotionGuidanceSettings Settings { get; }
    public InputSizing Sizing { get; }
    public Tensor TargetFlow { get; }
    public Tensor? KeepMask { get; }
    private MotionGuidanceOptions Options => Request.Settings;
    /// <summary>What the source is, for the record.</summary>
    public string PlannedDescription => planned.Description;
    /// <summary>What a person should know before the run (e.g. that the input was resized).</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            var notes = new List<string>();
            if (Sizing.Resizes) notes.Add($"resized the input {Sizing} (sides to the nearest multiple of 64); flows and masks follow");
            if (Memory is { } m) notes.Add(m.Note);
            return notes;
        }
    }

    private Lazy<MemoryEstimate?>? memory;

    /// <summary>Estimated once (it reads the model files' headers); what the check before the run and its notes share.</summary>
    public MemoryEstimate? Memory => (memory ??= new(EstimateMemory)).Value;

    private MemoryEstimate? EstimateMemory()
    {
        if (ModelSize.Of(Model) is not { } size) return null;
        double Estimate(bool lean) => MotionGuidanceMemory.EstimateMiB(size.Parameters, size.Width, size.Bytes, Sizing.TargetWidth, Sizing.TargetHeight, Settings, lean);
        double mib = Estimate(Settings.LeanMemory);
        string? smaller = !Settings.LeanMemory && Estimate(true) is var lean && lean < mib * 0.9
            ? $"lean memory would need about {MemoryEstimate.Format(lean)}"
            : null;
        return new MemoryEstimate(mib, $"the weights at {Model.Dtype} and a guided evaluation's graphs{(Settings.LeanMemory ? " (lean memory)" : "")}", smaller);
    }

    /// <summary>The source image (1,3,H,W) in [-1,1], z_T and the trajectory, made on first use.</summary>
    public MotionGuidanceSource PrepareSource(EditSession session)
    {
        if (prepared is not null) return prepared;
        var model = session.Models.Diffusion(Model);
        bool cached = Options.UseCachedLatents!.Value, fresh = !Options.InitStartZt!.Value;
        MotionGuidanceSource made;
        if (planned.Image is { } image)
        {
            made = new MotionGuidanceSource(image.clone(), planned.StartLatent?.clone()!, planned.Trajectory?.clone());
        }
        else if (planned.Picture is { } picture)
        {
            using var full = ImageTensors.ToTensorPm1(picture);
            using var resized = Sizing.Image(full);
            using var inverted = MotionGuidanceSource.Invert(model, resized, Request.Prompt, Settings,
                onStep: (d, n) => session.Report("invert", d, n), cancel: session.Cancel);
            made = new MotionGuidanceSource(inverted.Image.clone(), fresh ? null! : inverted.StartLatent.clone(), cached ? inverted.Trajectory!.clone() : null);
        }
        else
        {
            using var generated = MotionGuidanceSource.Generate(model, Request.Prompt, Request.Seed, Sizing.TargetWidth, Sizing.TargetHeight, Settings,
                (d, n) => session.Report("generate source", d, n), session.Cancel);
            made = new MotionGuidanceSource(generated.Image.clone(), fresh ? null! : generated.StartLatent.clone(), cached ? generated.Trajectory!.clone() : null);
        }
        // No z_T of the source's (or asked not to use it): fresh noise from the seed.
        if (made.StartLatent is null)
            made = made with { StartLatent = randn([1, 4, Sizing.TargetHeight / 8, Sizing.TargetWidth / 8], generator: new TorchSharp.torch.Generator((ulong)Request.Seed)) };
        return prepared = made;
    }

    /// <summary>The sampler's inputs from the prepared source.</summary>
    public MotionGuidanceInputs Inputs(EditSession session)
    {
        var s = PrepareSource(session);
        return new MotionGuidanceInputs(s.Image, TargetFlow.unsqueeze(0), KeepMask, s.StartLatent, s.Trajectory);
    }

    public EditResult Run(EditSession session) => Run(session, Settings);

    /// <summary>The edit with <paramref name="settings"/> (e.g. guidance weight 0 for the no-guidance baseline).</summary>
    public EditResult Run(EditSession session, MotionGuidanceSettings settings)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = session.Models.Diffusion(Model);
        var raft = session.Models.Raft(Raft);
        var inputs = Inputs(session);
        using var trace = new GuidanceTrace();
        var intermediates = MotionGuidanceOutputs.Intermediates(session.WorkDir, Options.LogFreq!.Value);
        var steps = settings.Steps;
        Action<GuidedEvaluation> preview = ev =>
        {
            if (ev.Recursion == 0 && ev.Decoded is { } x) session.Preview("move", ev.Step, steps, () => ImageTensors.FromTensorPm1(x));
        };
        intermediates = intermediates is null ? preview : intermediates + preview;
        using var result = MotionGuidanceEdit.Run(model, raft, Request.Prompt, inputs, settings, Request.Seed, trace, intermediates,
            (d, n) => session.Report("move", d, n), session.Cancel);
        var edit = MotionGuidanceOutputs.Build(this, inputs, result, trace);
        edit.Elapsed = clock.Elapsed;
        return edit;
    }

    public void Dispose()
    {
        planned.Dispose();
        prepared?.Dispose();
        TargetFlow.Dispose();
        KeepMask?.Dispose();
    }
}
