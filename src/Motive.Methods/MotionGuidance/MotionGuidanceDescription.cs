using System.Text.Json.Nodes;
using Motive.Methods.Editing;
using static Motive.Methods.Editing.Widget;

namespace Motive.Methods.MotionGuidance;

/// <summary>What Motion Guidance takes from a user: `motive move`'s options, the editor's panel, the request's fields.</summary>
public static class MotionGuidanceDescription
{
    private static JsonObject Kind(string kind) => new() { ["kind"] = kind };

    public static readonly MethodDescription Of = new(MotionGuidanceMethod.MethodName, "move",
        "Move what, where: re-synthesise a picture so that it follows a target optical flow (Motion Guidance).",
    [
        new("source.image", Picture, "A real picture to edit: inverted with DDIM first (z_T and the cached latents).")
            { Option = "--image", Group = "source", Sets = new Dictionary<string, JsonNode?> { ["source.kind"] = "image" } },
        new("source.folder", Widget.File, "A Motion Guidance example folder: pred.png, start_zt.pth, latents/zt.*.pth, flows/.")
            { Option = "--input-dir", Group = "source", Sets = new Dictionary<string, JsonNode?> { ["source.kind"] = "example" } },
        new("source", Size, "WxH of the source generated from the prompt when no picture is given (default: the model's own size).")
            { Option = "--size", Group = "source" },
        new("motion.draw", Motion, "Where things move, drawn: translate, rotate, zoom, stretch or drag points over a region.") { Group = "motion", Label = "Motion" },
        new("motion.flow", Widget.File, "The target flow (.pth (1,2,H,W), .flo, .npy, .safetensors) in the picture's pixels; with an example folder, a name in its flows/.")
            { Option = "--target-flow", Group = "motion" },
        new("prompt", Text, "What the picture shows (may be empty for real pictures); the unconditional prompt is \"\"."),
        new("edit_mask", Mask, "auto (the cells the flow leaves or reaches, dilated by mask_margin), none (edit everywhere), or a file: *.mask.pth (true = keep) or a picture (white = free).")
            { Choices = ["auto", "none"], Advanced = true },
        new("raft", Widget.File, "RAFT checkpoint (princeton layout, e.g. raft-things.pth; default: the embedded toy RAFT)."),
        new("settings.steps", Integer, "DDIM steps.") { Min = 1, Max = 1000 },
        new("settings.recursions", Integer, "Recursive denoising repeats per step (time travel).") { Min = 1, Aliases = ["--num-recursive-steps"] },
        new("settings.guidance_weight", Number, "Weight of the energy gradient.") { Min = 0 },
        new("settings.cfg", Number, "Classifier-free guidance scale.") { Min = 0, Renamed = ["--scale"], Label = "CFG" },
        new("settings.eta", Number, "DDIM eta.") { Min = 0, Advanced = true },
        new("settings.color_weight", Number, "Weight of the colour (warp) loss.") { Min = 0, Advanced = true },
        new("settings.flow_weight", Number, "Weight of the flow loss.") { Min = 0, Advanced = true },
        new("settings.clip_grad", Number, "Gradient clipping threshold (0 = off).") { Min = 0, Advanced = true },
        new("settings.mask_margin", Integer, "Dilation of the automatic edit region, in latent cells (8 px).") { Min = 0, Advanced = true },
        new("settings.guidance_schedule", Widget.File, "Per-step multipliers of the guidance weight: ones, linear:A:B, until:F, or a .npy file.") { Advanced = true },
        new("settings.occlusion_masking", Flag, "Plain L1 colour loss (no occlusion mask).") { Option = "--no-occlusion-masking", Value = false, Advanced = true },
        new("settings.oracle_flow", Flag, "Warp with the target flow instead of RAFT's in the colour loss.") { Advanced = true },
        new("settings.use_cached_latents", Switch, "Copy the cached trajectory outside the edit (true, as every reference example) or re-noise the source afresh (false).")
            { Advanced = true },
        new("settings.init_start_zt", Flag, "Start from fresh seeded noise instead of the source's z_T.") { Option = "--no-init-start-zt", Value = false, Advanced = true },
        new("settings.raft_iters", Integer, "RAFT iterations inside the energy.") { Min = 1, Advanced = true },
        new("settings.explicit_attention", Flag, "softmax(QKᵀ)V attention, as the reference (default: fused).") { Advanced = true },
        new("settings.lean_memory", Flag, "The same edit in less memory, about a third slower: the energy's gradient taken a part at a time.") { Advanced = true },
        new("settings.log_freq", Integer, "Every N steps, save the decoded x̂₀ and RAFT's flow of it (0 = never).") { Min = 0, Advanced = true },
        new("seed", Integer, "Seed of the recursion noise (and of the source / fresh z_T).") { Min = 0 },
    ])
    {
        Title = "Motion Guidance",
        AuxModels = new Dictionary<string, string> { ["raft"] = "raft" },
        Skeleton = new JsonObject { ["source"] = Kind("generated"), ["motion"] = new JsonObject() },
        Energies = [MotionEnergyProbe.Tool],
    };
}
