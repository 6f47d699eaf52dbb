using Motive.Methods.Editing;
using static Motive.Methods.Editing.Widget;

namespace Motive.Methods.PromptToPrompt;

/// <summary>What Prompt-to-Prompt takes from a user: `motive p2p`'s options, the editor's panel, the request's fields.</summary>
public static class P2pDescription
{
    public static readonly MethodDescription Of = new(P2pMethod.MethodName, "p2p",
        "Edit by changing the prompt's words (Prompt-to-Prompt: the edited prompt's attention follows the source's, so the layout and everything not named stay; a picture is first inverted by null-text inversion).",
    [
        new("image", Picture, "A picture to edit (inverted by null-text inversion); without one the source is the source prompt's sample from the seed."),
        new("source_prompt", Text, "What the source shows, e.g. \"a blue square on a gradient background\".") { Required = true },
        new("target_prompt", Text, "The edited prompt: words swapped (\"a red square …\"), added, or the same prompt with re-weighted words.") { Required = true },
        new("settings.edit", Choice, "replace (swap words), refine (add words) or reweight (weights only); default: replace for prompts of as many words, else refine.")
            { Choices = P2pSettings.Edits },
        new("settings.blend_words", Text, "LocalBlend: words (in either prompt) where the picture may change, e.g. \"square\"; elsewhere it stays the source's."),
        new("settings.reweight", Text, "Words of the edited prompt and their weights, e.g. \"fluffy:4\"."),
        new("settings.cross_replace", Number, "For how much of the run the edited prompt takes the source's cross-attention.") { Min = 0, Max = 1 },
        new("settings.self_replace", Number, "For how much of the run the edited prompt takes the source's self-attention (the layout).") { Min = 0, Max = 1 },
        new("settings.self_replace_levels", Choice, "Which levels' self-attention is replaced: quarter (of the latent side) and coarser, half and coarser, or all; default: quarter for a generated source, half for a picture.")
            { Choices = P2pSettings.Levels, Advanced = true },
        new("settings.steps", Integer, "DDIM steps (of the inversion too).") { Min = 1, Max = 1000 },
        new("settings.cfg", Number, "Classifier-free guidance.") { Min = 1, Label = "CFG", Advanced = true },
        new("settings.cross_replace_words", Text, "Per-word windows, e.g. \"dog:0.2-0.6\" (fractions of the run).") { Advanced = true },
        new("settings.blend_level", Choice, "Which level's cross-attention LocalBlend reads: a quarter of the latent side (the reference), half, or the latent's own.")
            { Choices = P2pSettings.BlendLevels, Advanced = true },
        new("settings.blend_threshold", Number, "LocalBlend's threshold on the normalised word maps.") { Min = 0, Max = 1, Advanced = true },
        new("settings.blend_start", Number, "From which fraction of the run LocalBlend acts.") { Min = 0, Max = 1, Advanced = true },
        new("settings.width", Integer, "Run width (height by the aspect, both to multiples of 8; a picture's result is resized back). Default: the model's native size.")
            { Min = 16, Advanced = true },
        new("settings.inner_steps", Integer, "Null-text inversion: Adam iterations per step (a picture only).") { Min = 0, Max = 1000, Advanced = true },
        new("settings.early_stop", Number, "Null-text inversion: stop a step's iterations under this loss.") { Min = 0, Advanced = true },
        new("seed", Integer, "Seed of the source's noise (a generated source).") { Min = 0 },
        new("latents", Widget.File, "A given x_T instead of the seed's noise: a .safetensors with 'latents' or 'zT' [1,4,h,w] (as motive invert writes); the run is 8h x 8w."),
    ])
    {
        Title = "Prompt-to-Prompt",
    };
}
