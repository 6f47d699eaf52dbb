using Motive.IO;
using Motive.IO.Safetensors;
using Motive.Models.Loading;
using static TorchSharp.torch;

namespace Motive.Sampling.Pipelines;

/// <summary>Images ↔ the scaled latents the UNet works on (VAE posterior mean × scaling factor, as SD does).</summary>
public static class Latents
{
    /// <summary>[1,3,H,W] in [-1,1] → scaled latents [1,4,H/8,W/8] (scheduler dtype, model device).</summary>
    public static Tensor Encode(StableDiffusionModel model, Tensor image)
    {
        if (image.dim() != 4 || image.shape[1] != 3 || image.shape[2] % 8 != 0 || image.shape[3] % 8 != 0)
            throw new ArgumentException($"image must be [1, 3, H, W] with H and W multiples of 8, got [{string.Join(", ", image.shape)}]");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (mean, _) = model.Vae.Encode(image.to(model.DType, model.Device));
        return (mean.to(model.SchedulerDType) * model.Vae.Config.ScalingFactor).MoveToOuterDisposeScope();
    }

    /// <summary>Scaled latents → image [1,3,H,W] in [0,1], float32 on the CPU.</summary>
    public static Tensor Decode(StableDiffusionModel model, Tensor latents)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = model.Vae.Decode(latents.to(model.DType, model.Device) / model.Vae.Config.ScalingFactor).to(float32);
        return (x / 2 + 0.5).clamp(0, 1).to(CPU).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A starting latent from a .safetensors file: the first of <paramref name="names"/> it holds ('latents' as
    /// `motive generate --latents` reads, 'zT' as `motive invert` writes), float32 [1, 4, h, w], every value finite.
    /// </summary>
    public static Tensor Read(string path, params string[] names)
    {
        if (File.Exists(path))          // a missing file is SafetensorsFile.Open's to name
        {
            var head = new byte[9];
            using (var stream = File.OpenRead(path)) stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (!SafetensorsFile.Sniff(head)) throw new MotiveFormatException(path, "is not a .safetensors file of latents");
        }
        using var f = SafetensorsFile.Open(path);
        var found = names.Select(n => f.Tensors.FirstOrDefault(t => t.Name == n)).FirstOrDefault(t => t is not null) ?? f.Require(names[0]);
        if (found.Shape.Length != 4 || found.Shape[0] != 1 || found.Shape[1] != 4)
            throw new MotiveFormatException(path, $"'{found.Name}' is [{string.Join(", ", found.Shape)}], not latents [1, 4, h, w]");
        var l = found.Load(float32);
        if (!l.isfinite().all().item<bool>())
        {
            l.Dispose();
            throw new MotiveFormatException(path, $"'{found.Name}' holds NaN or infinite values");
        }
        return l;
    }
}
