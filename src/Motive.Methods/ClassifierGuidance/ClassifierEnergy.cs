using Motive.Guidance.Sampler;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>
/// Classifier guidance through x̂₀: E = −log p(target | D(x̂₀)), the classifier's negative log-probability of the
/// target class on the decoded one-step estimate (universal guidance's forward guidance). The sampler weighs it by
/// the scale and either folds −∇E into ε̂ or takes gradient steps on x̂₀ with it (x0_steps), so a larger scale pushes
/// harder towards pictures the classifier names as the target. The classifier was trained on clean pictures
/// (augmented: hue, blur, noise), and x̂₀ is what the sampler has that looks like one.
/// </summary>
public sealed class ClassifierEnergy(PictureClassifier classifier, int target) : IEnergy
{
    public string Name => "classifier";
    public bool NeedsDecodedImage => true;

    /// <summary>
    /// The energy of the sampler's x̂₀, its gradient taken with respect to x̂₀ alone: the value is E(D(x̂₀)), but the
    /// sampler's ∇_z sees ∂E/∂x̂₀ (through the decoder and the classifier, not back through the denoiser's ε̂(z)). At
    /// high noise x̂₀ barely depends on z and the denoiser's Jacobian turns the gradient round: through it, the toy
    /// model's samples moved away from the target as the scale grew (−log p rose from 0.1 to 5–100 within two steps).
    /// Where x̂₀ carries no graph (lean memory takes ∇ of the picture and chains it itself) or z none (the steps on x̂₀
    /// differentiate with respect to x̂₀ themselves) the plain energy is returned.
    /// </summary>
    public EnergyValue Evaluate(EnergyInputs inputs)
    {
        var result = Evaluate(inputs.Decoded ?? throw new ArgumentException("the classifier energy needs the decoded picture"));
        var x0 = inputs.PredictedX0;
        if (!x0.requires_grad || !inputs.NoisyLatent.requires_grad) return result;
        var g = autograd.grad([result.Value], [x0])[0].detach();
        var z = inputs.NoisyLatent;
        var surrogate = result.Value.detach() + ((z - z.detach()) * g).sum();
        return result with { Value = surrogate };
    }

    /// <summary>The energy of pictures (B,3,H,W) in [-1,1]: the mean over the batch of −log p(target).</summary>
    public EnergyValue Evaluate(Tensor picture)
    {
        // float32 at least (float64 stays float64, for exactness checks), whatever the decoder ran in.
        var logits = classifier.forward(picture.to(picture.dtype == float64 ? float64 : float32));
        var value = NegativeLogProbability(logits, target);
        var p = logits.detach().softmax(1)[.., target].mean();
        return new EnergyValue(value, new Dictionary<string, Tensor> { ["target_probability"] = p });
    }

    /// <summary>−log softmax(logits)[target], averaged over the batch: the pure function the energy is.</summary>
    public static Tensor NegativeLogProbability(Tensor logits, int target) => -logits.log_softmax(1)[.., target].mean();
}
