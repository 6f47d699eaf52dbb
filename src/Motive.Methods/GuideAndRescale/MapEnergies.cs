using static TorchSharp.torch;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// The energies of Guide-and-Rescale's guiders (diffusion_core/guiders/opt_guiders.py) as functions of the maps the
/// hooks read from two UNet passes, "current" (z_t, with grad) and "inversion" (z*_t, the source's trajectory); the
/// self-attention maps' term is <see cref="RowwiseAttentionL2"/>.
/// </summary>
public static class MapEnergies
{
    /// <summary>features_map_l2: mean((F_cur − F_inv)²).</summary>
    public static Tensor FeaturesL2(Tensor current, Tensor inversion) => (current - inversion).square().mean();

    /// <summary>The appearance term of self_attn_map_l2_appearance: mean |Φ_cur − Φ_inv|.</summary>
    public static Tensor AppearanceL1(Tensor current, Tensor inversion) => (current - inversion).abs().mean();

    /// <summary>latents_diff's closed-form gradient of ‖z − z*‖²: 2(z − z*).</summary>
    public static Tensor LatentsDiffGradient(Tensor z, Tensor zStar) => (z - zStar) * 2f;
}
