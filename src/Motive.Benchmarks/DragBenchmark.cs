using Motive.Methods.DragDiffusion;
using Motive.Methods.Editing;
using Motive.Models.Optim;
using Motive.Models.Unet;
using Motive.Sampling.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>
/// Time and memory of DragDiffusion's two heavy phases on any UNet (random weights of SD 1.5's size, typically):
/// per-image LoRA steps (batch 4: the UNet forward and backward to the adapters) and drag iterations (forward and
/// backward to the latent through the supervised features), each measured by <see cref="PhaseBench"/>. The drag runs
/// first, so its row is its own peak with the weights loaded; the LoRA's row may include heap the drag freed but the
/// allocator kept.
/// </summary>
public static class DragBenchmark
{
    /// <summary>`motive bench drag`.</summary>
    public static Tool Bench { get; } = new("drag", "Time and peak memory of DragDiffusion's LoRA steps and drag iterations (random weights from configs unless --model).",
        [
            BenchModel.Config, BenchModel.Model, BenchModel.Size(256, "Image side in pixels (latents size/8, the supervision grid size/2)."),
            ToolOption.Integer("--lora-steps", "LoRA steps to measure.", 2), ToolOption.Integer("--iterations", "Drag iterations to measure.", 3),
            ToolOption.Integer("--lora-micro-batch", "Copies per LoRA forward pass (of the batch of 4).", 1), BenchModel.Dtype, BenchModel.Device,
        ],
        (a, o, log) => PhaseBench.Table(a, o, log, (u, px, dev) =>
            Run(u, px, a.Integer("--lora-steps"), a.Integer("--iterations"), dev, a.Integer("--lora-micro-batch"), log)));

    public static List<PhaseRow> Run(UNet2DConditionModel unet, int size, int loraSteps, int dragIterations, Device device, int microBatch = 1, Action<string>? log = null)
    {
        var rows = new List<PhaseRow>();
        long latent = size / 8;
        var g = new Generator(0);
        var dtype = unet.parameters().First().dtype;
        using var context = randn([1, 77, unet.Config.CrossAttentionDim], generator: g).to(device);
        var schedule = DdimSchedule.StableDiffusion;
        using var alphas = tensor(schedule.AlphasCumprod);

        using var z = randn([1, 4, latent, latent], generator: g).to(device);
        long grid = size / 2;
        var settings = new DragSettings { MaxIterations = dragIterations };
        using var editable = zeros([1, 1, grid, grid], device: device);
        var h = new GridPoint(grid / 2, grid / 4);
        var q = new GridPoint(grid / 2, grid / 2);   // far enough that no iteration arrives
        rows.Add(PhaseBench.Measure($"drag iteration (features of up_blocks.2 at {grid}², {size}²)", dragIterations, log, () =>
        {
            using var r = DragUpdate.Run(unet, z, 681, schedule.Alpha(681), schedule.Alpha(661), context, null, [h], [q], editable, settings);
        }));
        using (UnetLora.Keep(unet))
        {
            var parameters = ImageLora.Attach(unet, rank: 16, seed: 0);
            using var latents = randn([4, 4, latent, latent], generator: g).to(device);
            using var noise = randn([4, 4, latent, latent], generator: g).to(device);
            using var t = tensor(new long[] { 100, 400, 700, 900 }, device: device);
            using var batch = context.expand(4, -1, -1).contiguous();
            using var frozen = Frozen.AllBut(unet, parameters.Select(p => p.P));
            rows.Add(PhaseBench.Measure($"LoRA step (batch 4 in parts of {microBatch}, rank 16, {size}²)", loraSteps, log, () =>
                Minimize.Run(parameters, _ => ImageLora.BatchLoss(unet, latents, noise, t, alphas, batch, false, microBatch), loraSteps, 5e-4)));
        }

        return rows;
    }
}
