using System.Globalization;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Motive.Models.Runtime;

/// <summary>
/// How much memory a device has and, for benches, how much is in use: the machine's RAM on CPU (/proc/meminfo);
/// on CUDA the card's, read through NVML (the driver's library: TorchSharp exposes no allocator statistics).
/// Null where it cannot be read.
/// </summary>
public static class DeviceMemory
{
    /// <summary>The device's total memory in MiB.</summary>
    public static double? TotalMiB(Device device) => device.type == TorchSharp.DeviceType.CUDA
        ? Nvml(device.index < 0 ? 0 : device.index)?.Total
        : MemInfoMiB("MemTotal:");

    /// <summary>Memory in use on a CUDA card in MiB (all processes), null elsewhere or without NVML.</summary>
    public static double? CudaUsedMiB(Device device) =>
        device.type == TorchSharp.DeviceType.CUDA ? Nvml(device.index < 0 ? 0 : device.index)?.Used : null;

    private static double? MemInfoMiB(string key)
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            if (line is null) return null;
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { return null; }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total, Free, Used;
    }

    [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlInit_v2")]
    private static extern int NvmlInit();

    [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlDeviceGetHandleByIndex_v2")]
    private static extern int NvmlDeviceByIndex(uint index, out IntPtr device);

    [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlDeviceGetMemoryInfo")]
    private static extern int NvmlMemoryInfo(IntPtr device, out NvmlMemory memory);

    private static (double Total, double Used)? Nvml(int index)
    {
        try
        {
            if (NvmlInit() != 0 || NvmlDeviceByIndex((uint)index, out var handle) != 0 || NvmlMemoryInfo(handle, out var m) != 0) return null;
            return (m.Total / 1048576.0, m.Used / 1048576.0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }
}
