using Motive.Models.Vae;
using Motive.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Training.Toy;

/// <summary>
/// The toy VAE's objective: reconstruct scenes through a sampled latent, L1 on pixels plus a small KL term that
/// keeps the posterior near N(0, 1) (what SD's scaling factor assumes). No perceptual or adversarial loss: the
/// scenes are flat colours and sharp edges, which L1 already rewards.
/// </summary>
public static class VaeTraining
{
    public const double KlWeight = 1e-6;

    public static Tensor Loss(AutoencoderKL vae, Tensor images, Generator g)
    {
        var (mean, raw) = vae.Encode(images);
        var logvar = raw.clamp(-30, 20);   // as diffusers' DiagonalGaussianDistribution: exp() stays finite
        var z = mean + (logvar * 0.5).exp() * randn(mean.shape, generator: g).to(mean.device);
        var reconstruction = vae.Decode(z);
        var kl = 0.5 * (mean.square() + logvar.exp() - 1 - logvar).sum([1, 2, 3]).mean();
        return F.l1_loss(reconstruction, images) + KlWeight * kl;
    }

    /// <summary>Mean L1 reconstruction error through the posterior mean (no sampling): the held-out measure.</summary>
    public static double Evaluate(AutoencoderKL vae, Tensor images)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (mean, _) = vae.Encode(images);
        return F.l1_loss(vae.Decode(mean), images).item<float>();
    }

    /// <summary>The VAE of a toy model folder, as its weights file holds it.</summary>
    public static AutoencoderKL Load(string modelDir)
    {
        var vae = new AutoencoderKL(VaeConfig.From(Models.Blocks.JsonConfig.Load(Path.Combine(modelDir, "vae", "config.json"))));
        using (var w = IO.StateDicts.StateDict.Open(Path.Combine(modelDir, "vae", "diffusion_pytorch_model.safetensors"))) Models.Blocks.WeightLoading.Load(vae, w, w.Path);
        return vae;
    }

    /// <summary>Trains the VAE of a toy model folder (creating the folder first when it is not there).</summary>
    public static IReadOnlyList<double> Train(string modelDir, TrainOptions o, int imageSize, Action<int, int, double>? onStep = null, CancellationToken cancel = default)
    {
        if (!File.Exists(Path.Combine(modelDir, "model_index.json"))) ToyModelFolder.Create(modelDir, o.Seed);
        using var vae = Load(modelDir);
        var device = torch.device(o.Device);
        return TrainLoop.Run(vae, (_, g) => Loss(vae, SceneBatches.Images(SceneBatches.Seeds(g, o.Batch), imageSize).to(device), g), o,
            ToyModelFolder.TrainingDir(modelDir, "vae"), m => ToyModelFolder.SaveWeights(Path.Combine(modelDir, "vae", "diffusion_pytorch_model.safetensors"), m), onStep: onStep, cancel: cancel);
    }
}
