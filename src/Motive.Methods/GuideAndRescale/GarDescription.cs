using Motive.Methods.Editing;
using static Motive.Methods.Editing.Widget;

namespace Motive.Methods.GuideAndRescale;

/// <summary>What Guide-and-Rescale takes from a user: `motive edit`'s options, the editor's panel, the request's fields.</summary>
public static class GarDescription
{
    public static readonly MethodDescription Of = new(GarMethod.MethodName, "edit",
        "Edit a picture by text (Guide-and-Rescale: inversion with the source prompt, CFG toward the target, self-guidance that keeps the layout, noise rescaling).",
    [
        new("image", Picture, "The picture to edit.") { Required = true },
        new("source_prompt", Text, "What the picture shows, e.g. \"a photo of a cat\" (the inversion and the guidance read it).") { Required = true },
        new("target_prompt", Text, "What the edit should show, e.g. \"a photo of a tiger\".") { Required = true },
        new("settings.preset", Choice, "The reference's config.") { Choices = GarPresets.Names },
        new("settings.steps", Integer, "DDIM steps of the inversion and the edit.") { Min = 1, Max = 1000 },
        new("settings.width", Integer, "Run width (height by the aspect, both to multiples of 8; the result is resized back). Default: the model's native size.")
            { Min = 16, Advanced = true },
        new("settings.cfg", Number, "Classifier-free guidance toward the target prompt.") { Min = 0, Label = "CFG", Advanced = true },
        new("settings.self_attention", Number, "Weight of the self-attention map energy.") { Min = 0, Advanced = true },
        new("settings.appearance", Number, "Weight of the appearance energy (nonstyle presets).") { Min = 0, Advanced = true },
        new("settings.features", Number, "Weight of the features energy (style presets).") { Min = 0, Advanced = true },
        new("settings.guided_steps", Integer, "On how many of the first steps the energies act, counted on 50.") { Min = 0, Max = 50, Advanced = true },
        new("settings.rescale_lower", Number, "Least ‖guidance‖/‖cfg term‖ the rescaling allows.") { Min = 0, Advanced = true },
        new("settings.rescale_upper", Number, "Most ‖guidance‖/‖cfg term‖ the rescaling allows.") { Min = 0, Advanced = true },
        new("seed", Integer, "Seed of the run (recorded; the edit draws nothing at random).") { Min = 0 },
    ])
    {
        Title = "Guide-and-Rescale",
        Presets = GarPresets.Names,
    };
}
