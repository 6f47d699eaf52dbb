using Motive.Methods.Editing;
using Motive.Models.Loading;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>
/// Classifier guidance behind the seam: <see cref="Plan(ClassifierGuidanceRequest, IEditInputs)"/> fills the
/// settings from the model's preset, checks them, opens the classifier and checks the target is one of its classes,
/// all before the diffusion model is loaded; the plan then samples each picture with the guided sampler.
/// </summary>
public sealed class ClassifierGuidanceMethod : EditMethod<ClassifierGuidanceRequest, ClassifierGuidanceOptions>
{
    public const string MethodName = "classifier-guidance";
    /// <summary>The embedded classifier's file inside the embedded model's folder.</summary>
    public const string EmbeddedFile = "classifier/colour.safetensors";

    public override string Name => MethodName;

    public override ClassifierGuidanceOptions Reference => ClassifierGuidanceOptions.Reference;

    public override MethodDescription Description => ClassifierGuidanceDescription.Of;

    /// <summary>The embedded toy colour classifier (models/toy/classifier/colour.safetensors).</summary>
    public static string EmbeddedPath => Path.Combine(EmbeddedModel.Dir, EmbeddedFile);

    public override IEditPlan Plan(ClassifierGuidanceRequest request, IEditInputs inputs)
    {
        if (string.IsNullOrWhiteSpace(request.Target)) throw new ArgumentException("target: say which class to steer towards");
        var model = EditModels.Resolve(request.Model, inputs);
        var options = SettingsLayers.Over(request.Settings, Defaults(model.Path));
        var settings = options.ToSettings();
        var path = request.Classifier is { } c ? inputs.Resolve(c, InputKind.Model) : EmbeddedPath;
        int size = EditModels.NativeSize(model);
        EditLimits.CheckSize("the generated pictures", size, size);
        var classifier = PictureClassifier.Load(path);
        try
        {
            int target = classifier.ClassIndex(request.Target);
            return new ClassifierGuidancePlan(request with { Settings = options }, model, classifier, target, settings, size);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }
}
