using Motive.IO.StateDicts;
using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Models.Unet;

namespace Motive.Methods.Editing;

/// <summary>
/// How big a model is without loading it, for memory estimates said before a run: the element count of every
/// tensor of its files (UNet, VAE, text encoder) and the UNet's first width (SD 1.x: 320), from the headers only.
/// </summary>
public static class ModelSize
{
    /// <summary>(parameters, first UNet width, bytes per element at the run's dtype), or null for a file that cannot be sized unread (a pickled checkpoint).</summary>
    public static (long Parameters, long Width, int Bytes)? Of(ModelRef model)
    {
        var path = model.Path ?? EmbeddedModel.Dir;
        int bytes = EditModels.ParseDType(model.Dtype) == TorchSharp.torch.ScalarType.Float32 ? 4 : 2;
        try
        {
            if (DiffusersFolder.Is(path))
            {
                long parameters = 0;
                foreach (var part in new[] { "unet", "vae", "text_encoder" })
                {
                    using var sd = DiffusersFolder.OpenWeights(Path.Combine(path, part), model.Variant);
                    parameters += sd.Tensors.Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d));
                }
                return (parameters, UnetConfig.From(JsonConfig.Load(Path.Combine(path, "unet", "config.json"))).BlockOutChannels[0], bytes);
            }
            if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return null;
            using (var sd = StateDict.Open(path))
                return (sd.Tensors.Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d)), 320, bytes);
        }
        catch (Motive.IO.MotiveFormatException)
        {
            return null;
        }
    }

    public static double MiB(long parameters, int bytes) => parameters * (double)bytes / (1 << 20);
}
