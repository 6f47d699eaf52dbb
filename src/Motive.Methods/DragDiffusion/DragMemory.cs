using Motive.Methods.Editing;

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
        if (ModelSize.Of(model) is not { } size) return null;
        var (parameters, width, bytes) = size;
        double perCell = PerCellMiB(width, bytes);
        double cells = runWidth / 8.0 * (runHeight / 8.0);
        int loraSide = settings.Lora.Resolution ?? EditModels.NativeSize(model);
        double drag = perCell * cells * (settings.Cfg > 1 ? 2 : 1);
        double loraPass = lora ? perCell * (loraSide / 8.0) * (loraSide / 8.0) * MicroBatch(settings.Lora, perCell, loraSide) : 0;
        return ModelSize.MiB(parameters, bytes) + Math.Max(drag, loraPass);
    }

    /// <summary>Activation MiB per latent cell of one image for a UNet whose first width is <paramref name="width"/>, at <paramref name="bytes"/> per element.</summary>
    public static double PerCellMiB(long width, int bytes) => MiBPerCellAt320Fp32 * width / 320.0 * bytes / 4.0;

    /// <summary>The LoRA's copies per pass: the settings', else the whole batch when it needs at most 2 GiB of activations, else 1.</summary>
    public static int MicroBatch(LoraSettings lora, double perCellMiB, int side) =>
        lora.MicroBatch ?? (perCellMiB * (side / 8.0) * (side / 8.0) * lora.Batch <= 2048 ? lora.Batch : 1);
}
