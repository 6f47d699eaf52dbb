using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// DIFT (Tang et al. 2023, "Emergent correspondence from image diffusion"), as DragBench's point-matching script uses
/// it (drag_bench_evaluation/dift_sd.py): the picture's VAE posterior sample noised to timestep t, the UNet's
/// up_blocks[i] output averaged over an ensemble of noise draws, bilinearly upsampled to the picture's size. A point
/// of one picture is found in another by the cosine similarity of these features.
/// </summary>
public static class Dift
{
    /// <summary>The reference's choices: t = 261, up_ft_index 1, ensemble 8.</summary>
    public const long Timestep = 261;
    public const int UpIndex = 1, Ensemble = 8;

    /// <summary>Features (C, H, W) of <paramref name="image"/> (1,3,H,W) in [-1,1] with the prompt's text states.</summary>
    public static Tensor Features(StableDiffusionModel model, Tensor image, Tensor context, Generator generator,
        long t = Timestep, int upIndex = UpIndex, int ensemble = Ensemble)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var alpha = DdimSchedule.From(model.SchedulerConfig).Alpha(t);
        var (mean, logvar) = model.Vae.Encode(image.to(model.DType, model.Device).expand(ensemble, -1, -1, -1));
        var std = (logvar.to(float32) * 0.5f).exp();
        var posterior = randn(mean.shape, generator: generator).to(model.Device);
        var latents = (mean.to(float32) + std * posterior) * (float)model.Vae.Config.ScalingFactor;
        var noise = randn(latents.shape, generator: generator).to(model.Device);
        var noisy = latents * MathF.Sqrt(alpha) + noise * MathF.Sqrt(1 - alpha);
        Tensor? captured = null;
        string module = $"up_blocks.{upIndex}";
        var hooks = new NetworkHooks { OnFeature = (path, x) => { if (path == module) captured = x; return x; } };
        model.Unet.Forward(noisy.to(model.DType), tensor(t, device: model.Device), context.to(model.DType).expand(ensemble, -1, -1), hooks);
        var averaged = captured!.to(float32).mean([0], keepdim: true);
        return F.interpolate(averaged, size: [image.shape[2], image.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false)[0].MoveToOuterDisposeScope();
    }

    /// <summary>Where the source's feature at (x, y) is most alike in <paramref name="target"/> (C,H,W): the argmax of cosine similarity.</summary>
    public static (int X, int Y) Match(Tensor source, Tensor target, int x, int y)
    {
        using var scope = NewDisposeScope();
        var v = source[.., y, x].view(-1, 1, 1);
        var sim = F.cosine_similarity(target, v.expand_as(target), dim: 0);
        long best = sim.flatten().argmax().item<long>();
        long w = target.shape[2];
        return ((int)(best % w), (int)(best / w));
    }
}
