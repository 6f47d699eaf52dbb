using Motive.Methods.Editing;
using Motive.Methods.GuideAndRescale;
using Motive.Models.Unet;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>
/// Time and memory of Guide-and-Rescale's heavy step on any UNet (random weights of SD 1.5's size, typically): one
/// guided step (four UNet passes, the energies on the hooked maps, one backward to the latent, the rescaling) with
/// each named preset at step 10 of 50, where every preset's energies act. Measured by <see cref="PhaseBench"/>.
/// </summary>
public static class GarBenchmark
{
    /// <summary>`motive bench gar`.</summary>
    public static Tool Bench { get; } = new("gar", "Time and peak memory of a Guide-and-Rescale guided step for each preset (random weights from configs unless --model).",
        [
            BenchModel.Config, BenchModel.Model, BenchModel.Size(256, "Image side in pixels (latents size/8)."),
            ToolOption.Integer("--steps", "Guided steps to measure per preset.", 1),
            ToolOption.List("--preset", "Presets to measure (repeat; default: all four)."), BenchModel.Dtype, BenchModel.Device,
        ],
        (a, o, log) =>
        {
            var presets = a.List("--preset") is { Count: > 0 } p ? p.Select(n => { GarPresets.Get(n); return n; }).ToList() : GarPresets.Names;
            PhaseBench.Table(a, o, log, (u, px, dev) => Run(u, px, a.Integer("--steps"), dev, presets, log));
        });

    public static List<PhaseRow> Run(UNet2DConditionModel unet, int size, int steps, Device device, IReadOnlyList<string> presets, Action<string>? log = null)
    {
        var rows = new List<PhaseRow>();
        long latent = size / 8;
        var g = new Generator(0);
        using var uncond = randn([1, 77, unet.Config.CrossAttentionDim], generator: g).to(device);
        using var source = randn([1, 77, unet.Config.CrossAttentionDim], generator: g).to(device);
        using var target = randn([1, 77, unet.Config.CrossAttentionDim], generator: g).to(device);
        using var zStar = randn([1, 4, latent, latent], generator: g).to(device);
        using var z = (zStar + randn([1, 4, latent, latent], generator: g).to(device) * 0.1f);
        foreach (var name in presets)
        {
            var config = GarPresets.Get(name);
            rows.Add(PhaseBench.Measure($"guided step ({name}, {size}²)", steps, log, () =>
            {
                for (int i = 0; i < steps; i++)
                {
                    using var r = GarStep.Run(unet, z, zStar, 780, uncond, source, target, config, 10);
                }
            }));
        }
        return rows;
    }
}
