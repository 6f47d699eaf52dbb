using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>One measured configuration: milliseconds per call, averaged over the timed iterations, and its peak resident memory (MiB; NaN when not measured).</summary>
public sealed record BenchRow(string Name, double MsPerCall, int Calls, double PeakRssMiB = double.NaN);

/// <summary>Times a call: one warm-up (kernels, allocator, caches), then the mean of <c>iters</c> calls, with CUDA synchronised.</summary>
public static class BenchTimer
{
    public static BenchRow Time(string name, Action call, int iters, Device device, Action<string>? log = null)
    {
        using (NewDisposeScope()) call();
        Sync(device);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < iters; i++)
        {
            using var scope = NewDisposeScope();
            call();
            log?.Invoke($"{name}: {i + 1}/{iters}");
        }
        Sync(device);
        return new BenchRow(name, sw.Elapsed.TotalMilliseconds / iters, iters);
    }

    /// <summary>Waits for the device's queued work (CUDA); nothing on CPU.</summary>
    public static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }
}
