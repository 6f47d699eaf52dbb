using Motive.IO;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Models.Flow;
using Motive.Models.Loading;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// Motion Guidance behind the seam: <see cref="Plan(MotionGuidanceRequest, IEditInputs)"/> fills the settings from
/// the model's preset, checks them, and reads every input (source picture or example folder, flow file or strokes,
/// edit mask) at the run size, all before a model is loaded; the plan then inverts or generates the source and runs
/// the guided sampler.
/// </summary>
public sealed class MotionGuidanceMethod : EditMethod<MotionGuidanceRequest, MotionGuidanceOptions>
{
    public const string MethodName = "motion-guidance";
    /// <summary>Both princeton RAFTs use 4 correlation levels: an image must be at least 8·2⁴ px a side.</summary>
    public const int RaftMinimumSide = 128;

    public override string Name => MethodName;

    public override MotionGuidanceOptions Reference => MotionGuidanceOptions.Reference;

    public override MethodDescription Description => MotionGuidanceDescription.Of;

    public override IEditPlan Plan(MotionGuidanceRequest request, IEditInputs inputs)
    {
        request.Motion.Validate();
        if (request.EditMask is not ("auto" or "none") && string.IsNullOrEmpty(request.EditMask)) throw new ArgumentException("edit_mask must be auto, none or a mask file");
        var model = EditModels.Resolve(request.Model, inputs);
        var options = request.Settings.Over(Defaults(model.Path));
        var settings = options.ToSettings(name => inputs.Resolve(name, InputKind.Flow));
        var raft = request.Raft is { } r ? inputs.Resolve(r, InputKind.Model) : null;

        var (source, sizing, exampleDir) = ReadSource(request.Source, model, settings, options, inputs);
        var resolvedSource = request.Source is GeneratedSource ? new GeneratedSource(sizing.TargetWidth, sizing.TargetHeight) : request.Source;
        var resolved = request with { Settings = options, Source = resolvedSource };
        Tensor? flow = null;
        try
        {
            flow = request.Motion.Read(sizing, source.Picture, inputs, exampleDir is null ? null : name => ExampleFolder.InFlows(exampleDir, name));
            var keep = ReadKeepMask(request.EditMask, exampleDir, flow, sizing, options.MaskMargin!.Value, inputs);
            return new MotionGuidancePlan(resolved, model, raft, settings, sizing, source, flow, keep);
        }
        catch
        {
            flow?.Dispose();
            source.Dispose();
            throw;
        }
    }

    private static (PlannedSource, InputSizing, string?) ReadSource(MotionSource spec, ModelRef model, MotionGuidanceSettings settings, MotionGuidanceOptions o, IEditInputs inputs)
    {
        switch (spec)
        {
            case ExampleSource e:
            {
                var dir = inputs.Resolve(e.Folder, InputKind.Folder);
                var (image, start, trajectory) = ExampleFolder.Read(dir, settings.Steps, o.UseCachedLatents!.Value, !o.InitStartZt!.Value);
                var sizing = InputSizing.For(image.shape[3], image.shape[2]);
                var pred = Path.Combine(e.Folder, "pred.png");
                if (sizing.Resizes || sizing.TargetWidth < RaftMinimumSide || sizing.TargetHeight < RaftMinimumSide)
                {
                    image.Dispose(); start?.Dispose(); trajectory?.Dispose();
                    if (sizing.Resizes) throw new MotiveFormatException(pred, $"is {sizing.Width}x{sizing.Height}; an example folder's latents fix the size, which must be a multiple of 64 on both sides");
                    throw new MotiveFormatException(pred, $"is {sizing}, too small; RAFT needs at least {RaftMinimumSide} px on each side");
                }
                return (new PlannedSource("example folder", null, image, start, trajectory), sizing, dir);
            }
            case ImageSource i:
            {
                var picture = ImageReader.Read(inputs.Resolve(i.Image, InputKind.Image));
                var sizing = InputSizing.For(picture.Width, picture.Height);
                CheckSize($"the source image {i.Image}", sizing);
                return (new PlannedSource("real image, DDIM-inverted with the run's schedule", picture, null, null, null), sizing, null);
            }
            case GeneratedSource g:
            {
                if (g.Width is null != g.Height is null) throw new ArgumentException("a generated source needs both width and height, or neither");
                int native = g.Width is null ? EditModels.NativeSize(model) : 0;
                long w = g.Width ?? native, h = g.Height ?? native;
                EditLimits.CheckSize("the generated source", w, h);
                var sizing = InputSizing.For(w, h);
                CheckSize("the generated source", sizing);
                return (new PlannedSource("generated from the prompt", null, null, null, null), sizing, null);
            }
            default: throw new ArgumentException("the source must be an image, an example folder or generated");
        }
    }

    private static void CheckSize(string what, InputSizing sizing)
    {
        EditLimits.CheckSize(what, sizing.Width, sizing.Height);
        if (sizing.TargetWidth < RaftMinimumSide || sizing.TargetHeight < RaftMinimumSide)
            throw new ArgumentException($"{what}: {sizing} is too small; RAFT needs at least {RaftMinimumSide} px on each side");
    }

    private static Tensor? ReadKeepMask(string spec, string? exampleDir, Tensor flow, InputSizing sizing, int margin, IEditInputs inputs)
    {
        if (spec == "none") return null;
        if (spec == "auto")
        {
            using var region = EditMask.Region(flow, margin: margin);
            return EditMask.ToMotionGuidanceMask(region);
        }
        var path = exampleDir is null ? inputs.Resolve(spec, InputKind.Mask) : ExampleFolder.InFlows(exampleDir, spec);
        return EditMaskFiles.ReadKeepMask(path, sizing.TargetHeight / 8, sizing.TargetWidth / 8);
    }
}
