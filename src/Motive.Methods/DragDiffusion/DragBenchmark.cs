using Motive.Guidance.Drag;
using Motive.Models.Optim;
using Motive.Models.Unet;
using Motive.Sampling.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Methods.DragDiffusion;

/// <summary>One measured phase: seconds per step and the process's peak resident memory during it.</summary>
public sealed record DragBenchRow(string Phase, int Steps, double SecondsPerStep, double PeakRssMiB);

/// <summary>
/// Time and memory of DragDiffusion's two heavy phases on any UNet (random weights of SD 1.5's size, typically):
/// per-image LoRA steps (batch 4: the UNet forward and backward to the adapters) and drag iterations (forward and
/// backward to the latent through the supervised features). Peak resident memory is the kernel's high-water mark
/// (VmHWM), reset before each phase (clear_refs 5). The drag runs first, so its row is its own peak with the weights
/// loaded; the LoRA's row may include heap the drag freed but the allocator kept.
/// </summary>
public static class DragBenchmark
{
    public static List<DragBenchRow> Run(UNet2DConditionModel unet, int size, int loraSteps, int dragIterations, Device device, int microBatch = 1, Action<string>? log = null)
    {
        var rows = new List<DragBenchRow>();
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
        rows.Add(Phase($"drag iteration (features of up_blocks.2 at {grid}², {size}²)", dragIterations, log, () =>
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
            rows.Add(Phase($"LoRA step (batch 4 in parts of {microBatch}, rank 16, {size}²)", loraSteps, log, () =>
                Minimize.Run(parameters, _ => ImageLora.BatchLoss(unet, latents, noise, t, alphas, batch, false, microBatch), loraSteps, 5e-4)));
        }

        return rows;
    }

    private static DragBenchRow Phase(string name, int steps, Action<string>? log, Action run)
    {
        ResetPeak();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        run();
        var row = new DragBenchRow(name, steps, clock.Elapsed.TotalSeconds / Math.Max(1, steps), PeakRssMiB());
        log?.Invoke($"{row.Phase}: {row.SecondsPerStep:0.00} s/step, peak RSS {row.PeakRssMiB:0} MiB");
        return row;
    }

    /// <summary>The resident high-water mark of this process (MiB), NaN where /proc is missing.</summary>
    public static double PeakRssMiB()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? double.NaN : long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { return double.NaN; }
    }

    private static void ResetPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
