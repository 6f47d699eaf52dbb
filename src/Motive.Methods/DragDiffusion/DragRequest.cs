using Motive.Methods.Editing;
using Motive.Models.Flow;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// One DragDiffusion edit ("method": "drag"): the picture (<see cref="Image"/>, or a DragBench case folder as
/// published in <see cref="Case"/>, which brings its own picture, points, mask and prompt), the handle → target
/// pairs in the picture's pixels, the editable region (a mask picture, white = may change, or region text as
/// `motive move --region` takes it; neither = everywhere may change, the mask term off), the prompt describing the
/// picture, a LoRA to reuse (null = train one, or take it from the cache), the settings and the seed. Or the picture is
/// generated from the prompt and the seed (<see cref="Generate"/>, run_drag_gen: no inversion, CFG 7.5 by default).
/// </summary>
public sealed record DragRequest : EditRequest
{
    public string? Image { get; init; }
    public DragGenerated? Generate { get; init; }
    public string? Case { get; init; }
    public IReadOnlyList<DragPair> Drags { get; init; } = [];
    public string? Mask { get; init; }
    public string? Region { get; init; }
    public string? Prompt { get; init; }
    public string? Lora { get; init; }
    public DragOptions Settings { get; init; } = new();

    public void Validate()
    {
        if (Generate is { } g)
        {
            if (Image is not null || Case is not null) throw new ArgumentException("the picture is generated, or an image, or a DragBench case: give one");
            if (g.Width is < 16 or > EditLimits.MaxSide || g.Height is < 16 or > EditLimits.MaxSide)
                throw new ArgumentException($"a generated picture is 16 to {EditLimits.MaxSide} px a side");
        }
        if (Case is not null)
        {
            if (Image is not null || Drags.Count > 0 || Mask is not null || Region is not null)
                throw new ArgumentException("a DragBench case brings its own image, drags and mask: give the case alone (a prompt may override its caption)");
            return;
        }
        if (Image is null && Generate is null) throw new ArgumentException("say which picture to drag: an image (or a DragBench case folder)");
        if (Drags.Count == 0) throw new ArgumentException("say what moves where: at least one drag X1,Y1:X2,Y2 (handle → target, image pixels)");
        foreach (var d in Drags)
            if (new[] { d.X1, d.Y1, d.X2, d.Y2 }.Any(v => !double.IsFinite(v))) throw new ArgumentException("drag points must be finite numbers");
        if (Mask is not null && Region is not null) throw new ArgumentException("the editable region is a mask picture or region text, not both");
        if (Region is { } r) RegionSpec.Parse(r);
    }
}

/// <summary>A picture to drag generated from the request's prompt and seed (null sides: the model's native size), with a negative prompt.</summary>
public sealed record DragGenerated(int? Width = null, int? Height = null, string NegativePrompt = "");
