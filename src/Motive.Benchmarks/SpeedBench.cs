using Motive.Methods.Editing;

namespace Motive.Benchmarks;

/// <summary>
/// What a speed benchmark says of itself, from which `motive bench NAME` is built: its name, one line for help, its
/// options, and the run (the options' values, where the table goes, where progress lines go). Every benchmark is
/// listed once, in <see cref="SpeedBenches"/>.
/// </summary>
public sealed record SpeedBench(string Name, string Summary, IReadOnlyList<ToolOption> Options, Action<ToolArgs, TextWriter, Action<string>> Run);

/// <summary>The speed benchmarks `motive bench` offers, in help's order: a new one is one line here.</summary>
public static class SpeedBenches
{
    public static IReadOnlyList<SpeedBench> All { get; } =
    [
        UnetBenchmark.Bench,
        DragBenchmark.Bench,
        GarBenchmark.Bench,
        RaftBenchmark.Bench,
        MotionGuidanceBenchmark.Bench,
    ];
}
