using static TorchSharp.torch;

namespace Motive.Sampling.Inpainting;

/// <summary>
/// Masked DDIM as pure functions of tensors (RePaint, Lugmayr et al. 2022; blended latent diffusion, Avrahami et al.
/// 2023): the known region of the latent is the known picture's latent brought to each step's noise level, the holes
/// are the model's own. Masks are (1,1,h,w) in [0,1] at the latent's size, 1 = hole (the model fills it), broadcast
/// over the channels; with a 0/1 mask every cell is exactly one side or the other.
/// </summary>
public static class MaskedDdim
{
    /// <summary>The forward process at ᾱ: x = √ᾱ z₀ + √(1−ᾱ) ε (ᾱ = 1 gives z₀).</summary>
    public static Tensor QSample(Tensor z0, Tensor noise, float alpha)
    {
        using var signal = z0 * MathF.Sqrt(alpha);
        using var added = noise * MathF.Sqrt(1 - alpha);
        return signal + added;
    }

    /// <summary>The known latent where <paramref name="hole"/> is 0, the generated one where it is 1: known·(1−m) + generated·m.</summary>
    public static Tensor Blend(Tensor known, Tensor generated, Tensor hole)
    {
        using var keep = 1 - hole;
        using var a = known * keep;
        using var b = generated * hole;
        return a + b;
    }

    /// <summary>
    /// RePaint's jump back: a latent at ᾱ_prev noised to the noisier ᾱ_t by the forward process between them,
    /// x_t = √(ᾱ_t/ᾱ_prev) x_prev + √(1 − ᾱ_t/ᾱ_prev) z, so the model can denoise that step again (resampling: it
    /// lets the holes agree with the known region around them, which a single pass does not enforce).
    /// </summary>
    public static Tensor Renoise(Tensor xPrev, float alphaPrev, float alpha, Tensor noise)
    {
        if (alpha > alphaPrev) throw new ArgumentException($"re-noising goes to a noisier level: ᾱ {alpha} is above ᾱ_prev {alphaPrev}");
        float ratio = alpha / alphaPrev;
        using var kept = xPrev * MathF.Sqrt(ratio);
        using var added = noise * MathF.Sqrt(1 - ratio);
        return kept + added;
    }
}
