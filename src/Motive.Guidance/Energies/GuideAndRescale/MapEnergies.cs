using static TorchSharp.torch;

namespace Motive.Guidance.Energies.GuideAndRescale;

/// <summary>
/// The energies of Guide-and-Rescale's guiders (diffusion_core/guiders/opt_guiders.py) as functions of the maps the
/// hooks read from two UNet passes, "current" (z_t, with grad) and "inversion" (z*_t, the source's trajectory):
/// </summary>
public static class MapEnergies
{
    /// <summary>
    /// self_attn_map_l2: Σ over layers (in the given order) of mean((A_cur − A_inv)²) over every head and entry of the
    /// softmax self-attention probabilities.
    /// </summary>
    public static Tensor SelfAttentionL2(IReadOnlyList<Tensor> current, IReadOnlyList<Tensor> inversion)
    {
        if (current.Count != inversion.Count || current.Count == 0) throw new ArgumentException($"the self-attention energy needs the same layers from both passes, got {current.Count} and {inversion.Count}");
        Tensor? sum = null;
        for (int i = 0; i < current.Count; i++)
        {
            var term = (current[i] - inversion[i]).square().mean();
            sum = sum is null ? term : sum + term;
        }
        return sum!;
    }

    /// <summary>features_map_l2: mean((F_cur − F_inv)²).</summary>
    public static Tensor FeaturesL2(Tensor current, Tensor inversion) => (current - inversion).square().mean();

    /// <summary>The appearance term of self_attn_map_l2_appearance: mean |Φ_cur − Φ_inv|.</summary>
    public static Tensor AppearanceL1(Tensor current, Tensor inversion) => (current - inversion).abs().mean();

    /// <summary>latents_diff's closed-form gradient of ‖z − z*‖²: 2(z − z*).</summary>
    public static Tensor LatentsDiffGradient(Tensor z, Tensor zStar) => (z - zStar) * 2f;
}
