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
