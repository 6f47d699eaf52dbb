using Motive.IO;
using Motive.IO.StateDicts;

namespace Motive.Models.Loading;

/// <summary>A diffusers model folder: model_index.json and one subfolder per component (unet/, vae/, ...).</summary>
public static class DiffusersFolder
{
    public static bool Is(string path) => Directory.Exists(path) && File.Exists(Path.Combine(path, "model_index.json"));

    /// <summary>
    /// The image size the model was made for, from its configs alone (no weights read): the UNet's sample_size times
    /// the VAE's downsampling (512 for SD 1.x). As <see cref="StableDiffusionModel.NativeSize"/>.
    /// </summary>
    public static int NativeSize(string dir)
    {
        var unet = Blocks.JsonConfig.Load(Path.Combine(dir, "unet", "config.json"));
        var vae = Blocks.JsonConfig.Load(Path.Combine(dir, "vae", "config.json"));
        return (int)Unet.UnetConfig.From(unet).SampleSize << (Vae.VaeConfig.From(vae).BlockOutChannels.Length - 1);
    }

    /// <summary>
    /// The weights of one component: safetensors preferred over pickled .bin; with <paramref name="variant"/>
    /// (e.g. "fp16") the variant file (diffusion_pytorch_model.fp16.safetensors) when present.
    /// </summary>
    public static StateDict OpenWeights(string componentDir, string? variant = null)
    {
        if (!Directory.Exists(componentDir)) throw new MotiveFormatException(componentDir, "component folder not found");
        string[] stems = ["diffusion_pytorch_model", "model", "pytorch_model"];
        var candidates = new List<string>();
        foreach (var stem in stems)
        {
            if (variant is not null) candidates.AddRange([$"{stem}.{variant}.safetensors", $"{stem}.{variant}.bin"]);
            candidates.AddRange([$"{stem}.safetensors", $"{stem}.bin"]);
        }
        var file = candidates.Select(c => Path.Combine(componentDir, c)).FirstOrDefault(File.Exists)
                   ?? throw new MotiveFormatException(componentDir, $"no weight file (looked for {string.Join(", ", candidates.Take(4))}, ...)");
        if (Directory.GetFiles(componentDir, "*.index.json").Length > 0 && !File.Exists(file))
            throw new MotiveFormatException(componentDir, "sharded weights are not supported");
        return StateDict.Open(file);
    }
}
