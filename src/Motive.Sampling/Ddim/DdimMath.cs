using static TorchSharp.torch;

namespace Motive.Sampling.Ddim;

/// <summary>
/// DDIM as pure functions of tensors (Song et al. 2021, eq. 12), in diffusers' DDIMScheduler.step notation:
/// ᾱ_t = alpha, ᾱ_prev = alphaPrev; x_t the noisy sample, ε̂ the predicted noise, x̂₀ the predicted clean sample.
/// </summary>
public static class DdimMath
{
    /// <summary>ε̂ and x̂₀ from the model output (epsilon or v prediction).</summary>
    public static (Tensor Eps, Tensor X0) Predictions(Tensor xt, Tensor modelOutput, double alpha, string predictionType)
    {
        double sa = Math.Sqrt(alpha), sb = Math.Sqrt(1 - alpha);
        if (predictionType == "v_prediction")
            return (modelOutput * sa + xt * sb, xt * sa - modelOutput * sb);
        // x̂₀ = (x_t − √(1−ᾱ_t) ε̂) / √ᾱ_t   (eq. 12, "predicted x0")
        return (modelOutput, (xt - modelOutput * (float)sb) / (float)sa);
    }

    /// <summary>
    /// One DDIM step x_t → x_prev: √ᾱ_prev x̂₀ + √(1−ᾱ_prev−σ²) ε̂ + σ z. <paramref name="noise"/> is z (needed when η &gt; 0).
    /// </summary>
    public static (Tensor Prev, Tensor X0) Step(Tensor xt, Tensor modelOutput, float alpha, float alphaPrev, double eta,
        string predictionType = "epsilon", Tensor? noise = null)
    {
        var (eps, x0) = Predictions(xt, modelOutput, alpha, predictionType);
        // σ_t(η) = η √((1−ᾱ_prev)/(1−ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev) (eq. 16), in float32 as diffusers computes it.
        float variance = (1 - alphaPrev) / (1 - alpha) * (1 - alpha / alphaPrev);
        float std = (float)eta * MathF.Sqrt(variance);
        var dir = eps * MathF.Sqrt(1 - alphaPrev - std * std);
        var prev = x0 * MathF.Sqrt(alphaPrev) + dir;
        if (eta > 0)
        {
            if (noise is null) throw new ArgumentException("a DDIM step with eta > 0 needs noise");
            prev = prev + noise * std;
        }
        return (prev, x0);
    }

    /// <summary>
    /// One DDIM inversion step x_t → x_next (less noisy → noisier), with ε̂ predicted at t:
    /// x_next = √ᾱ_next x̂₀ + √(1−ᾱ_next) ε̂ (the deterministic inverse of <see cref="Step"/> at η = 0).
    /// </summary>
    public static Tensor InvertStep(Tensor xt, Tensor modelOutput, float alpha, float alphaNext, string predictionType = "epsilon")
    {
        var (eps, x0) = Predictions(xt, modelOutput, alpha, predictionType);
        return x0 * MathF.Sqrt(alphaNext) + eps * MathF.Sqrt(1 - alphaNext);
    }
}
