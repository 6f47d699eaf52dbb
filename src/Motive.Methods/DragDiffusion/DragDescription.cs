using System.Text.Json.Nodes;
using Motive.Methods.Editing;
using static Motive.Methods.Editing.Widget;

namespace Motive.Methods.DragDiffusion;

/// <summary>What DragDiffusion takes from a user: `motive drag`'s options, the editor's panel, the request's fields.</summary>
public static class DragDescription
{
    public static readonly MethodDescription Of = new(DragMethod.MethodName, "drag",
        "Drag points: move handle points of a picture to targets (per-image LoRA, latent optimisation, mutual self-attention).",
    [
        new("image", Picture, "The picture to edit.") { Group = "picture" },
        new("case", Widget.File, "A DragBench case folder (original_image.png, meta_data.pkl): its picture, drags, mask and prompt.") { Group = "picture" },
        new("generate", Flag, "Drag on a picture generated from the prompt and the seed (no inversion; CFG 7.5 unless cfg says).")
            { Group = "picture", Value = new JsonObject() },
        new("generate", Size, "WxH of the generated picture (default: the model's native size).") { Option = "--size" },
        new("generate.negative_prompt", Text, "The negative prompt of a generated picture's guidance."),
        new("drags", Points, "A handle → target pair X1,Y1:X2,Y2 in the picture's pixels (repeat for more).") { Option = "--drag", Label = "Handle → target" },
        new("mask", Mask, "The editable region as a picture (white = may change); any size.") { Group = "region" },
        new("region", Region, "The editable region as text: X,Y,W,H, ellipse:CX,CY,RX,RY or click:X,Y. Without a mask or region everything may change.")
            { Group = "region" },
        new("prompt", Text, "What the picture shows (LoRA, inversion and denoising use it; default empty)."),
        new("lora", Widget.File, "A LoRA file (diffusers format) to use instead of training one."),
        new("settings.cfg", Number, "Classifier-free guidance of the drag and the denoising. Default: 1 for a picture, 7.5 for a generated one (the reference's).")
            { Min = 0, Label = "CFG", Advanced = true },
        new("settings.lora_steps", Integer, "Steps of the per-image LoRA (0 = none).") { Min = 0 },
        new("settings.width", Integer, "Run width (height by the aspect, both to multiples of 8; the result is resized back). Default: the model's native size.")
            { Min = 16, Advanced = true },
        new("settings.max_iterations", Integer, "Most drag iterations.") { Option = "--iterations", Min = 1 },
        new("settings.inversion_strength", Number, "Part of the 50 DDIM steps inverted and denoised.") { Min = 0, Max = 1, Advanced = true },
        new("settings.lambda", Number, "Weight of keeping the picture outside the region.") { Min = 0, Advanced = true },
        new("settings.latent_lr", Number, "Adam's rate on the latent.") { Min = 0, Advanced = true },
        new("seed", Integer, "Seed of the run.") { Min = 0 },
    ])
    {
        Title = "DragDiffusion",
        Cases = new CaseFolders("dragbench", "case", [DragBenchCase.ImageFile, DragBenchCase.MetaFile]),
    };
}
