
namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// One guider of a Guide-and-Rescale config (configs/*.yaml, "guiders"): its name, its per-step scale list (step 0 =
/// the noisiest) and its own settings. cfg: the classifier-free term g·(ε(z, trg) − ε(z, "")); latents_diff: g·2(z −
/// z*), never rescaled; features_map_l2 (<see cref="Block"/> up | mid | down); self_attn_map_l2; self_attn_map_l2_appearance
/// (<see cref="SelfAttentionScales"/> and <see cref="AppearanceScales"/> per step, <see cref="NewFeatures"/>: up_blocks[-1]
/// instead of conv_norm_out).
/// </summary>
public sealed record GarGuider(string Name, double[] Scales, string Block = "up", double[]? SelfAttentionScales = null, double[]? AppearanceScales = null,
    bool NewFeatures = false)
{
    public const string Cfg = "cfg", LatentsDiff = "latents_diff", FeaturesL2 = "features_map_l2", SelfAttentionL2 = "self_attn_map_l2",
        Appearance = "self_attn_map_l2_appearance";

    public static readonly string[] Names = [Cfg, LatentsDiff, FeaturesL2, SelfAttentionL2, Appearance];

    public bool ClosedForm => Name is Cfg or LatentsDiff;
    public bool UsesAttention => Name is SelfAttentionL2 or Appearance;

    /// <summary>The module whose output the guider compares (null for none).</summary>
    public string? FeatureModule(int upBlocks) => Name switch
    {
        FeaturesL2 => Block switch { "up" => "up_blocks.1.resnets.1", "mid" => "mid_block", "down" => "down_blocks.1.resnets.1", _ => throw new ArgumentException($"features_map_l2: block must be up, mid or down, not '{Block}'") },
        Appearance => NewFeatures ? $"up_blocks.{upBlocks - 1}" : "conv_norm_out",
        _ => null,
    };
}

/// <summary>
/// A Guide-and-Rescale config: the guiders in order, which self-attention layers the attention energies read (per
/// place down / mid / up, [first, end) transformer blocks; the reference's self_attn_layers_num), and the noise
/// rescaling (range_other_on_cfg_norm with its bounds, or identity).
/// </summary>
public sealed record GarConfig(IReadOnlyList<GarGuider> Guiders, int[][] SelfAttentionLayers, string Rescaler = "range_other_on_cfg_norm",
    double Lower = 0.33, double Upper = 3.0)
{
    /// <summary>All 16 transformer blocks of SD 1.x ([[0,6],[0,1],[0,9]]).</summary>
    public static readonly int[][] AllLayers = [[0, 6], [0, 1], [0, 9]];

    /// <summary>Refuses a config that cannot run <paramref name="steps"/> steps: unknown guiders or rescaler, no cfg, short scale lists.</summary>
    public void CheckSteps(int steps)
    {
        if (Rescaler is not ("range_other_on_cfg_norm" or "identity_rescaler"))
            throw new ArgumentException($"unknown noise rescaling '{Rescaler}'; known: range_other_on_cfg_norm, identity_rescaler");
        if (!(Lower > 0 && Lower <= Upper && double.IsFinite(Upper))) throw new ArgumentException($"the rescaling bounds must satisfy 0 < lower ≤ upper, got [{Lower}, {Upper}]");
        if (!Guiders.Any(g => g.Name == GarGuider.Cfg)) throw new ArgumentException("a Guide-and-Rescale config needs the cfg guider");
        foreach (var g in Guiders)
        {
            if (!GarGuider.Names.Contains(g.Name)) throw new ArgumentException($"unknown guider '{g.Name}'; known: {string.Join(", ", GarGuider.Names)}");
            foreach (var (what, list) in new[] { ("g_scale", g.Scales), ("self_attn_gs", g.SelfAttentionScales), ("app_gs", g.AppearanceScales) })
            {
                if (list is null) continue;
                if (list.Length < steps) throw new ArgumentException($"guider {g.Name}: its {what} list has {list.Length} entries for {steps} steps");
                if (list.Any(v => !double.IsFinite(v))) throw new ArgumentException($"guider {g.Name}: its {what} list holds a value that is not a finite number");
            }
            if (g.Name == GarGuider.Appearance && (g.SelfAttentionScales is null || g.AppearanceScales is null))
                throw new ArgumentException("guider self_attn_map_l2_appearance needs self_attn_gs and app_gs");
        }
    }

    /// <summary>The factor on the guiders' gradient for these norms.</summary>
    public double OtherScale(double normOther, double normCfg) =>
        Rescaler == "identity_rescaler" ? 1 : NoiseRescale.OtherScale(normOther, normCfg, Lower, Upper);
}
