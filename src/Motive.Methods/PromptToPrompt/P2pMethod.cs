using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Sampling.Pipelines;
using static TorchSharp.torch;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// Prompt-to-Prompt behind the seam: <see cref="Plan(P2pRequest, IEditInputs)"/> fills the settings (model preset,
/// then the reference), checks the prompts against the edit kind and reads the picture, if any, before any model loads.
/// </summary>
public sealed class P2pMethod : EditMethod<P2pRequest, P2pSettings>
{
    public const string MethodName = "prompt-to-prompt";

    public override string Name => MethodName;

    public override P2pSettings Reference => P2pSettings.Reference;

    public override MethodDescription Description => P2pDescription.Of;

    public override IEditPlan Plan(P2pRequest request, IEditInputs inputs)
    {
        request.Validate();
        var model = EditModels.Resolve(request.Model, inputs);
        var settings = Editing.SettingsLayers.Over(request.Settings, Defaults(model.Path));
        var edit = settings.Check(request.SourcePrompt!, request.TargetPrompt!);
        int width = settings.Width ?? EditModels.NativeSize(model);
        RgbImage? picture = null;
        int side = RunSize.Of(width, width, width).Width;                      // a generated source is square
        (int Width, int Height) run = (side, side);
        if (request.Image is { } image)
        {
            picture = ImageReader.Read(inputs.Resolve(image, InputKind.Image));
            EditLimits.CheckSize($"the image {image}", picture.Width, picture.Height);
            run = RunSize.Of(picture.Width, picture.Height, width);
        }
        Tensor? start = null;
        if (request.Latents is { } latents)
        {
            start = Latents.Read(inputs.Resolve(latents, InputKind.Latents), "latents", "zT");
            run = ((int)start.shape[3] * 8, (int)start.shape[2] * 8);
            EditLimits.CheckSize($"the latents {latents} (x8)", run.Width, run.Height);
            width = run.Width;
        }
        return new P2pPlan(request with { Settings = settings with { Width = width, Edit = edit } }, model, edit, picture, run, start);
    }
}
