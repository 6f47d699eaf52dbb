using Motive.Methods.Editing;
using static Motive.Methods.Editing.Widget;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>What classifier guidance takes from a user: `motive guide`'s options, the editor's panel, the request's fields.</summary>
public static class ClassifierGuidanceDescription
{
    /// <summary>The embedded classifier's classes (models/toy/classifier): the colours of the toy world's objects.</summary>
    public static readonly IReadOnlyList<string> EmbeddedClasses = ["red", "yellow", "green", "blue"];

    public static readonly MethodDescription Of = new(ClassifierGuidanceMethod.MethodName, "guide",
        "Sample pictures that a classifier names as the target class: the classifier's gradient on the decoded x̂₀ steers DDIM (classifier guidance).",
    [
        new("target", Choice, "The class to steer towards (the embedded classifier's: the colour of the largest object; another classifier's: its own classes).")
            { Required = true, Choices = EmbeddedClasses, Label = "Class" },
        new("settings.scale", Number, "Guidance scale: the weight of −log p(target | decoded x̂₀); 0 = plain sampling.") { Min = 0 },
        new("prompt", Text, "What the pictures show (may be empty; e.g. a caption that leaves the steered attribute out)."),
        new("settings.samples", Integer, "How many pictures (sample k starts from the noise of seed + k).") { Min = 1, Max = ClassifierGuidanceOptions.MaxSamples },
        new("classifier", Widget.File, "A classifier written by `motive train classifier` (default: the embedded toy colour classifier)."),
        new("settings.steps", Integer, "DDIM steps.") { Min = 1, Max = 1000 },
        new("settings.cfg", Number, "Classifier-free guidance scale (1 = the prompt's branch alone).") { Min = 0, Label = "CFG" },
        new("settings.recursions", Integer, "Recursive denoising repeats per step (time travel).") { Min = 1, Advanced = true },
        new("settings.clip_grad", Number, "Gradient clipping threshold (0 = off).") { Min = 0, Advanced = true },
        new("settings.x0_steps", Integer, "Gradient steps on x̂₀ a DDIM step (0 = the gradient folded into the predicted noise).") { Min = 0, Max = 100, Advanced = true },
        new("settings.lean_memory", Flag, "The same pictures in less memory, a little slower: the energy's gradient taken a part at a time.") { Advanced = true },
        new("seed", Integer, "Seed of the first sample's noise.") { Min = 0 },
    ])
    {
        Title = "Classifier guidance",
        AuxModels = new Dictionary<string, string> { ["classifier"] = "classifier" },
    };
}
