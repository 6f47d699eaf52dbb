using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>The guided sampler's arithmetic (Motion Guidance's ddim_with_grad.py, doc §2.3) as pure functions.</summary>
public static class GuidanceMath
{
    /// <summary>
    /// Steps (8)–(10): g = −∇E (the weights and schedule are already inside E); if ‖√(1−ᾱ)·g‖ &gt; clip, g is
    /// rescaled to ‖g‖ = clip (the reference's quirk: it tests the scaled norm and rescales the unscaled one);
    /// ε̂' = ε̂ − √(1−ᾱ)·g. Returns ε̂' and ‖√(1−ᾱ)·g‖ after clipping. clip ≤ 0 turns clipping off.
    /// </summary>
    public static (Tensor GuidedEps, Tensor GuidanceNorm) ApplyGradient(Tensor eps, Tensor energyGrad, float alpha, double clip)
    {
        float s = MathF.Sqrt(1 - alpha);
        var g = -energyGrad;
        if (clip > 0)
        {
            var n = (g * s).norm();
            // Branch-free so the loop never waits for the device: scale = clip / n where n > clip, else 1.
            var scale = where(n > clip, clip / n, ones_like(n));
            g = g * scale;
        }
        var scaled = g * s;
        return (eps - scaled, scaled.norm());
    }

    /// <summary>Step (12), recursive denoising: z_t = √β z_prev + √(1−β) n with β = ᾱ_t / ᾱ_prev (the exact forward jump).</summary>
    public static Tensor Renoise(Tensor zPrev, float alpha, float alphaPrev, Tensor noise)
    {
        float beta = alpha / alphaPrev;
        return zPrev * MathF.Sqrt(beta) + noise * MathF.Sqrt(1 - beta);
    }

    /// <summary>Step (1): z where the mask is false, the reference latent where it is true (keep = True).</summary>
    public static Tensor KeepOutsideEdit(Tensor z, Tensor reference, Tensor keepMask) => where(keepMask, reference, z);
}
