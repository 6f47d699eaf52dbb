using Motive.IO;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Models.Flow;
using Motive.Models.Loading;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// DragDiffusion behind the seam: <see cref="Plan(DragRequest, IEditInputs)"/> fills the settings (model preset, then
/// the reference), reads the picture, the points and the editable region at the run size (width from the settings or
/// the model's native size, both sides multiples of 8) and refuses points off the picture, before any model is loaded.
/// </summary>
public sealed class DragMethod : EditMethod<DragRequest, DragOptions>
{
    public const string MethodName = "drag";

    public override string Name => MethodName;

    public override DragOptions Reference => DragOptions.Reference;

    public override MethodDescription Description => DragDescription.Of;

    public override IEditPlan Plan(DragRequest request, IEditInputs inputs)
    {
        request.Validate();
        var model = EditModels.Resolve(request.Model, inputs);
        var options = SettingsLayers.Over(request.Settings, Defaults(model.Path));
        options = options with { Cfg = options.Cfg ?? (request.Generate is null ? 1.0 : 7.5) };
        var settings = options.ToSettings();
        var lora = request.Lora is { } l ? inputs.Resolve(l, InputKind.Model) : null;
        if (request.Generate is { } g)
        {
            int native = EditModels.NativeSize(model);
            int gw = g.Width ?? native, gh = g.Height ?? native;
            var (rw, rh) = Editing.RunSize.Of(gw, gh, gw);
            CheckDrags(request.Drags, rw, rh);
            var region = request.Region is { } text ? RegionSpec.Parse(text).Mask(rh, rw, null, name => ImageReader.Read(inputs.Resolve(name, InputKind.Mask)), 32)
                : request.Mask is { } m ? ReadMask(m, rh, rw, inputs) : null;
            return new DragPlan(request with { Settings = options with { Width = rw }, Generate = g with { Width = rw, Height = rh }, Prompt = request.Prompt ?? "" },
                model, settings, lora, null, (rw, rh), request.Drags, region, rw, rh);
        }

        RgbImage picture;
        IReadOnlyList<DragPair> drags;
        Tensor? fullMask;
        string prompt;
        if (request.Case is { } folder)
        {
            var dragCase = DragBenchCase.Read(inputs.Resolve(folder, InputKind.Folder));
            (picture, drags, fullMask, prompt) = (dragCase.Image, dragCase.Drags, dragCase.Mask, request.Prompt ?? dragCase.Prompt);
        }
        else
        {
            picture = ImageReader.Read(inputs.Resolve(request.Image!, InputKind.Image));
            (drags, prompt) = (request.Drags, request.Prompt ?? "");
            fullMask = ReadRegion(request, picture, inputs);
        }
        EditLimits.CheckSize($"the image {request.Image ?? request.Case}", picture.Width, picture.Height);
        CheckDrags(drags, picture.Width, picture.Height);

        int width = options.Width ?? EditModels.NativeSize(model);
        var (runW, runH) = Editing.RunSize.Of(picture.Width, picture.Height, width);
        var resolved = request with { Settings = options with { Width = width }, Prompt = prompt };
        return new DragPlan(resolved, model, settings, lora, picture, (picture.Width, picture.Height), drags, fullMask, runW, runH);
    }

    private static void CheckDrags(IReadOnlyList<DragPair> drags, int width, int height)
    {
        foreach (var d in drags)
            if (new[] { d.X1, d.X2 }.Any(x => x < 0 || x > width - 1) || new[] { d.Y1, d.Y2 }.Any(y => y < 0 || y > height - 1))
                throw new ArgumentException($"drag {d.X1},{d.Y1}:{d.X2},{d.Y2} leaves the {width}x{height} picture");
    }

    /// <summary>The editable region at the picture's size (H,W) bool, or null for everywhere (no mask term).</summary>
    private static Tensor? ReadRegion(DragRequest r, RgbImage picture, IEditInputs inputs)
    {
        if (r.Mask is { } maskName) return ReadMask(maskName, picture.Height, picture.Width, inputs);
        if (r.Region is { } text)
            return RegionSpec.Parse(text).Mask(picture.Height, picture.Width, () => picture, name => ImageReader.Read(inputs.Resolve(name, InputKind.Mask)), 32);
        return null;
    }

    /// <summary>A mask picture (white = editable, any size) at h×w, nearest.</summary>
    private static Tensor ReadMask(string name, long h, long w, IEditInputs inputs)
    {
        var mask = ImageReader.Read(inputs.Resolve(name, InputKind.Mask));
        using var m = ImageTensors.ToTensor01(mask);
        using var gray = m.mean([1], keepdim: true);                             // (1,1,h,w)
        using var sized = F.interpolate(gray, size: [h, w], mode: InterpolationMode.Nearest);
        return sized[0, 0].gt(0.5);
    }

}
