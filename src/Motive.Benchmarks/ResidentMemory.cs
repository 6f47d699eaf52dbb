namespace Motive.Benchmarks;

/// <summary>
/// The process's resident memory as the kernel counts it (Linux /proc): the high-water mark (VmHWM) and its reset
/// (clear_refs 5), after the heap freed so far is handed back (malloc_trim), so that a peak measured after
/// <see cref="ResetPeak"/> is that phase's own, with whatever stays loaded.
/// </summary>
public static class ResidentMemory
{
    /// <summary>The resident high-water mark (MiB) since the start or the last reset; NaN where /proc is missing.</summary>
    public static double PeakMiB() => Read("VmHWM:");

    /// <summary>The resident memory now (MiB); NaN where /proc is missing.</summary>
    public static double CurrentMiB() => Read("VmRSS:");

    /// <summary>Collects garbage (tensors owned by finalizers), trims the native heap, and restarts the high-water mark from now.</summary>
    public static void ResetPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Motive.Models.Runtime.NativeHeap.Release();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static double Read(string field)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? double.NaN : long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { return double.NaN; }
    }
}
