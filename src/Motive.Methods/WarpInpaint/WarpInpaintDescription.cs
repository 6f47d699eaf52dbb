using System.Text.Json.Nodes;
using Motive.Methods.Editing;
using static Motive.Methods.Editing.Widget;

namespace Motive.Methods.WarpInpaint;

/// <summary>What warp-then-inpaint takes from a user: `motive warp`'s options, the editor's panel, the request's fields.</summary>
public static class WarpInpaintDescription
{
    public static readonly MethodDescription Of = new(WarpInpaintMethod.MethodName, "warp",
        "Move what, where, fast: forward-warp the picture along a target flow, then let the diffusion model fill the holes the warp leaves (masked DDIM, RePaint's way).",
    [
        new("image", Picture, "The picture to edit.") { Required = true },
        new("motion.draw", Motion, "Where things move, drawn: translate, rotate, zoom, stretch or drag points over a region.") { Group = "motion", Label = "Motion" },
        new("motion.flow", Widget.File, "The target flow (.pth (1,2,H,W), .flo, .npy, .safetensors) in the picture's pixels.")
            { Option = "--target-flow", Group = "motion" },
        new("prompt", Text, "What the picture shows (the holes are filled with it in mind; may be empty); the unconditional prompt is \"\"."),
        new("settings.steps", Integer, "DDIM steps.") { Min = 1, Max = 1000 },
        new("settings.cfg", Number, "Classifier-free guidance scale (1 = the prompt's branch alone).") { Min = 0, Label = "CFG" },
        new("settings.resamplings", Integer, "RePaint's resampling: redo each step this many more times after jumping back to its noise level (0 = none; each costs a step's time).")
            { Min = 0, Max = WarpInpaintOptions.MaxResamplings, Advanced = true },
        new("settings.hole_dilation", Integer, "Grow the warp's holes by this many pixels before they become latent cells (8 px).")
            { Min = 0, Max = WarpInpaintOptions.MaxDilation, Advanced = true },
        new("settings.paste_back", Switch, "Put the warp's own pixels back outside the grown holes (true), or keep the decoded latent everywhere (false): a latent cell is 8 px, so the cells regenerated around a hole cut into what the warp got right.")
            { Advanced = true },
        new("seed", Integer, "Seed of the noise: the known region's path, the holes' start and the resampling's jumps.") { Min = 0 },
    ])
    {
        Title = "Warp and inpaint",
        Skeleton = new JsonObject { ["motion"] = new JsonObject() },
    };
}
