namespace Motive.Methods.Editing;

/// <summary>One measured phase of a method's benchmark: seconds per step and the process's peak resident memory during it.</summary>
public sealed record BenchRow(string Phase, int Steps, double SecondsPerStep, double PeakRssMiB);

/// <summary>
/// Measures phases of a method (`motive bench drag`, `bench gar`): the time per step and the kernel's resident
/// high-water mark (VmHWM), reset before each phase (clear_refs 5) after the heap an earlier phase freed is given
/// back (malloc_trim), so a row is that phase's own peak with the weights loaded.
/// </summary>
public static class PhaseBench
{
    public static BenchRow Measure(string name, int steps, Action<string>? log, Action run)
    {
        ResetPeak();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        run();
        var row = new BenchRow(name, steps, clock.Elapsed.TotalSeconds / Math.Max(1, steps), PeakRssMiB());
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
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
