using Motive.IO.StateDicts;
using Motive.Methods.Editing;
using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Models.Unet;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// What a drag will need in memory, said before the run: the weights (every tensor of the model's files, at the run's
/// dtype) plus the larger of the two phases' activations, scaled from what `motive bench drag` measured for SD 1.5 on
/// the CPU (2026-12-02, float32, random weights): a drag iteration at 256² kept 0.95 MiB per latent cell, a LoRA pass
/// 0.95 MiB per cell of each copy in it. Activations scale with the UNet's first width (SD 1.5: 320) and the dtype's size.
/// </summary>
public static class DragMemory
{
    private const double MiBPerCellAt320Fp32 = 0.95;

    /// <summary>The estimate in MiB, or null when the model's files cannot be sized without loading them (a pickled checkpoint).</summary>
    public static double? EstimateMiB(ModelRef model, int runWidth, int runHeight, DragSettings settings, bool lora)
    {
        var path = model.Path ?? EmbeddedModel.Dir;
        int bytes = EditModels.ParseDType(model.Dtype) == TorchSharp.torch.ScalarType.Float32 ? 4 : 2;
        long parameters = 0;
        long width;
        try
        {
            if (DiffusersFolder.Is(path))
            {
                foreach (var part in new[] { "unet", "vae", "text_encoder" })
                {
                    using var sd = DiffusersFolder.OpenWeights(Path.Combine(path, part), model.Variant);
                    parameters += sd.Tensors.Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d));
                }
                width = UnetConfig.From(JsonConfig.Load(Path.Combine(path, "unet", "config.json"))).BlockOutChannels[0];
            }
            else
            {
                if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return null;
                using var sd = StateDict.Open(path);
                parameters = sd.Tensors.Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d));
                width = 320;
            }
        }
        catch (Motive.IO.MotiveFormatException)
        {
            return null;
        }
        double perCell = PerCellMiB(width, bytes);
        double cells = runWidth / 8.0 * (runHeight / 8.0);
        int loraSide = settings.Lora.Resolution ?? EditModels.NativeSize(model);
        double drag = perCell * cells * (settings.Cfg > 1 ? 2 : 1);
        double loraPass = lora ? perCell * (loraSide / 8.0) * (loraSide / 8.0) * MicroBatch(settings.Lora, perCell, loraSide) : 0;
        return parameters * (double)bytes / (1 << 20) + Math.Max(drag, loraPass);
    }

    /// <summary>Activation MiB per latent cell of one image for a UNet whose first width is <paramref name="width"/>, at <paramref name="bytes"/> per element.</summary>
    public static double PerCellMiB(long width, int bytes) => MiBPerCellAt320Fp32 * width / 320.0 * bytes / 4.0;

    /// <summary>The LoRA's copies per pass: the settings', else the whole batch when it needs at most 2 GiB of activations, else 1.</summary>
    public static int MicroBatch(LoraSettings lora, double perCellMiB, int side) =>
        lora.MicroBatch ?? (perCellMiB * (side / 8.0) * (side / 8.0) * lora.Batch <= 2048 ? lora.Batch : 1);
}
