using Motive.Methods.Editing;

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

    /// <summary>
    /// A method's phases on a UNet (--model's real weights, or random ones from --config), checked and loaded here:
    /// the table of s/step and peak RSS, as `motive bench drag` and `bench gar` print it.
    /// </summary>
    public static void Table(ToolArgs a, TextWriter o, Action<string> log, Func<Motive.Models.Unet.UNet2DConditionModel, int, TorchSharp.torch.Device, List<PhaseRow>> run)
    {
        var dt = EditModels.DTypeOption(a.Text("--dtype")!);
        var dev = BenchModel.ParseDevice(a.Text("--device")!);
        int px = BenchModel.CheckSize(a.Integer("--size"));
        double before = ResidentMemory.PeakMiB();
        using var m = BenchModel.Load(a, dt, dev, withVae: false);
        o.WriteLine($"model: {m.What}; UNet {m.Unet.parameters().Sum(p => p.numel()) / 1e6:0.0}M parameters, {a.Text("--dtype")}, {dev}{BenchModel.CpuNote(dev)}; {px}²; resident before loading {before:0} MiB");
        var rows = run(m.Unet, px, dev);
        o.WriteLine($"{"phase",-60} {"s/step",8} {"peak RSS MiB",13}");
        foreach (var row in rows) o.WriteLine($"{row.Phase,-60} {row.SecondsPerStep,8:0.00} {row.PeakRssMiB,13:0}");
    }
}
