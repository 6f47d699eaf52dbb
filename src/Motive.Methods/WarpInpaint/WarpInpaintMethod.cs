using Motive.IO.Images;
using Motive.Methods.Editing;

namespace Motive.Methods.WarpInpaint;

/// <summary>
/// Warp-then-inpaint behind the seam (the fast drag methods' recipe: Inpaint4Drag, FastDrag, RegionDrag):
/// <see cref="Plan(WarpInpaintRequest, IEditInputs)"/> fills the settings from the model's preset, checks them, reads
/// the picture and the target flow (a file or strokes, as Motion Guidance reads them) at the run size and forward-warps
/// the picture, all before a model is loaded; the plan then fills the warp's holes with the diffusion model.
/// </summary>
public sealed class WarpInpaintMethod : EditMethod<WarpInpaintRequest, WarpInpaintOptions>
{
    public const string MethodName = "warp-inpaint";

    public override string Name => MethodName;

    public override WarpInpaintOptions Reference => WarpInpaintOptions.Reference;

    public override MethodDescription Description => WarpInpaintDescription.Of;

    public override IEditPlan Plan(WarpInpaintRequest request, IEditInputs inputs)
    {
        if (request.Image is null) throw new ArgumentException("say which picture to edit: an image");
        if (request.Motion is null) throw new ArgumentException("say where things move: a target flow file, or strokes");
        request.Motion.Validate();
        var model = EditModels.Resolve(request.Model, inputs);
        var options = SettingsLayers.Over(request.Settings, Defaults(model.Path));
        var settings = options.ToSettings();
        var picture = ImageReader.Read(inputs.Resolve(request.Image, InputKind.Image));
        var sizing = InputSizing.For(picture.Width, picture.Height);
        EditLimits.CheckSize($"the image {request.Image}", sizing.Width, sizing.Height);
        var flow = request.Motion.Read(sizing, picture, inputs);
        WarpedPicture warp;
        try
        {
            warp = WarpedPicture.Of(picture, sizing, flow);
        }
        catch
        {
            flow.Dispose();
            throw;
        }
        return new WarpInpaintPlan(request with { Settings = options }, model, settings, sizing, warp);
    }
}
