using Motive.Methods.Editing;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// A Guide-and-Rescale request's settings as JSON, each optional: what a request leaves out comes from the model's
/// preset (motive.json, "guide-and-rescale"), then from the reference (<see cref="Reference"/>). The numbers override
/// the named preset's: the CFG scale, the energies' weights, on how many of the reference's 50 steps they act, the
/// rescaling bounds.
/// </summary>
public sealed record GarOptions
{
    /// <summary>One of <see cref="GarPresets.Names"/>.</summary>
    public string? Preset { get; init; }
    /// <summary>The width the edit runs at (height by the aspect; sides to multiples of 8); null = the model's native size, as the reference's 512.</summary>
    public int? Width { get; init; }
    /// <summary>DDIM steps of the inversion and of the edit.</summary>
    public int? Steps { get; init; }
    public double? Cfg { get; init; }
    /// <summary>Weight of the self-attention map energy (self_attn_gs of the nonstyle presets, g_scale of self_attn_map_l2 in the style ones).</summary>
    public double? SelfAttention { get; init; }
    /// <summary>Weight of the appearance energy (nonstyle presets' app_gs).</summary>
    public double? Appearance { get; init; }
    /// <summary>Weight of the features energy (style presets' features_map_l2).</summary>
    public double? Features { get; init; }
    /// <summary>On how many of the first steps the energies act, counted on the reference's 50 (total_first_steps: 30 nonstyle, 25 style).</summary>
    public int? GuidedSteps { get; init; }
    public double? RescaleLower { get; init; }
    public double? RescaleUpper { get; init; }

    public static GarOptions Reference { get; } = new() { Preset = "ours_nonstyle_best", Steps = 50 };

    /// <summary>Checks a resolved set and builds the config for its steps: the preset with the overrides.</summary>
    public GarConfig ToConfig()
    {
        int steps = Steps!.Value;
        if (steps is < 1 or > 1000) throw new ArgumentException($"steps must be between 1 and 1000, got {steps}");
        if (Width is < 16 or > EditLimits.MaxSide) throw new ArgumentException($"width must be between 16 and {EditLimits.MaxSide}, got {Width}");
        foreach (var (name, v) in new[] { ("cfg", Cfg), ("self_attention", SelfAttention), ("appearance", Appearance), ("features", Features), ("rescale_lower", RescaleLower), ("rescale_upper", RescaleUpper) })
            if (v is { } x && (!double.IsFinite(x) || x < 0)) throw new ArgumentException($"{name} must be a finite number ≥ 0, got {x}");
        if (GuidedSteps is < 0 or > 50) throw new ArgumentException($"guided_steps counts the reference's 50 steps: 0 to 50, got {GuidedSteps}");
        string preset = Preset!;
        bool style = preset.StartsWith("ours_style", StringComparison.Ordinal);
        var config = GarPresets.Get(preset, steps, GuidedSteps);
        double[] Scaled(double[] list, double? weight) => weight is { } w ? list.Select(v => v == 0 ? 0 : w).ToArray() : list;
        var guiders = config.Guiders.Select(g => g.Name switch
        {
            GarGuider.Cfg => g with { Scales = Cfg is { } c ? Enumerable.Repeat(c, steps).ToArray() : g.Scales },
            GarGuider.Appearance => g with { SelfAttentionScales = Scaled(g.SelfAttentionScales!, SelfAttention), AppearanceScales = Scaled(g.AppearanceScales!, Appearance) },
            GarGuider.SelfAttentionL2 => g with { Scales = Scaled(g.Scales, SelfAttention) },
            GarGuider.FeaturesL2 => g with { Scales = Scaled(g.Scales, Features) },
            _ => g,
        }).ToList();
        if (!style && Features is not null) throw new ArgumentException($"features weighs the style presets' features energy; {preset} has none");
        if (style && Appearance is not null) throw new ArgumentException($"appearance weighs the nonstyle presets' appearance energy; {preset} has none");
        config = config with { Guiders = guiders, Lower = RescaleLower ?? config.Lower, Upper = RescaleUpper ?? config.Upper };
        config.CheckSteps(steps);
        return config;
    }
}
