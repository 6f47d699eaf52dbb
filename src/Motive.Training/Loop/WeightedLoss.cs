using static TorchSharp.torch;

namespace Motive.Training.Loop;

/// <summary>Losses where some positions count more than others (the toy VAE's and UNet's object weighting).</summary>
public static class WeightedLoss
{
    /// <summary>
    /// Σ weight·error / Σ weight over every element, the weights broadcast over the error (e.g. [B,1,H,W] over
    /// channels): normalised by the weights, so a batch where every weight is equal scores its plain mean.
    /// </summary>
    public static Tensor Mean(Tensor error, Tensor weights) => (weights * error).mean() / weights.mean();
}
