using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Models.Loading;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// Guide-and-Rescale behind the seam: <see cref="Plan(GarRequest, IEditInputs)"/> fills the settings (model preset,
/// then the reference), builds the config and reads the picture at the run size (width from the settings or the
/// model's native size, both sides multiples of 8), before any model is loaded.
/// </summary>
public sealed class GarMethod : EditMethod<GarRequest, GarOptions>
{
    public const string MethodName = "guide-and-rescale";

    public override string Name => MethodName;

    public override GarOptions Reference => GarOptions.Reference;

    public override MethodDescription Description => GarDescription.Of;

    public override IEditPlan Plan(GarRequest request, IEditInputs inputs)
    {
        request.Validate();
        var model = EditModels.Resolve(request.Model, inputs);
        var options = SettingsLayers.Over(request.Settings, Defaults(model.Path));
        var config = options.ToConfig();
        var picture = ImageReader.Read(inputs.Resolve(request.Image!, InputKind.Image));
        EditLimits.CheckSize($"the image {request.Image}", picture.Width, picture.Height);
        int width = options.Width ?? EditModels.NativeSize(model);
        var run = RunSize.Of(picture.Width, picture.Height, width);
        return new GarPlan(request with { Settings = options with { Width = width } }, model, config, picture, run);
    }
}
