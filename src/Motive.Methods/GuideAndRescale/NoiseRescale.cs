using static TorchSharp.torch;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// Guide-and-Rescale's noise rescaling (diffusion_core/guiders/noise_rescales.py, range_other_on_cfg_norm): the
/// guiders' gradient ("other") is scaled so that its norm lies in [lower, upper]·‖cfg term‖; the unconditional noise
/// and the CFG term are never scaled. r = ‖other‖/‖cfg‖ in double (1 when ‖cfg‖ = 0); the scale is clip(r)/r, or 1
/// when ‖other‖ = 0. The identity rescaler is bounds (−∞, ∞) in effect: every scale 1.
/// </summary>
public static class NoiseRescale
{
    /// <summary>The factor on "other" for the given Frobenius norms.</summary>
    public static double OtherScale(double normOther, double normCfg, double lower, double upper)
    {
        if (normOther == 0) return 1;
        double r = normCfg == 0 ? 1 : normOther / normCfg;
        return Math.Clamp(r, lower, upper) / r;
    }

    /// <summary>The factor for the tensors (norms in double, as the reference's .item()).</summary>
    public static double OtherScale(Tensor other, Tensor cfg, double lower, double upper) =>
        OtherScale(other.to(float64).norm().item<double>(), cfg.to(float64).norm().item<double>(), lower, upper);

    /// <summary>ε̂ = ε_u + cfg (+ the closed-form terms) + s·other, summed in that order (the reference's dict order).</summary>
    public static Tensor Combine(Tensor uncond, Tensor cfg, IEnumerable<Tensor> closedForm, Tensor? other, double otherScale)
    {
        var sum = uncond + cfg;
        foreach (var c in closedForm) sum = sum + c;
        return other is null ? sum : sum + other * (float)otherScale;
    }
}
