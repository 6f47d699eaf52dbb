namespace Motive.Benchmarks;

/// <summary>One measured phase of a method's benchmark: seconds per step and the process's peak resident memory during it.</summary>
public sealed record PhaseRow(string Phase, int Steps, double SecondsPerStep, double PeakRssMiB);

/// <summary>
/// Measures phases of a method (`motive bench drag`, `bench gar`): the time per step and the resident high-water mark
/// (<see cref="ResidentMemory"/>), reset before each phase, so a row is that phase's own peak with the weights loaded.
/// </summary>
public static class PhaseBench
{
    public static PhaseRow Measure(string name, int steps, Action<string>? log, Action run)
    {
        ResidentMemory.ResetPeak();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        run();
        var row = new PhaseRow(name, steps, clock.Elapsed.TotalSeconds / Math.Max(1, steps), ResidentMemory.PeakMiB());
        log?.Invoke($"{row.Phase}: {row.SecondsPerStep:0.00} s/step, peak RSS {row.PeakRssMiB:0} MiB");
        return row;
    }
}
