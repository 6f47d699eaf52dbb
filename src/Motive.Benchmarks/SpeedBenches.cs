using Motive.Methods.Editing;

namespace Motive.Benchmarks;

/// <summary>
/// The speed benchmarks `motive bench` offers, in help's order, each a <see cref="Tool"/> (its name, options, and a
/// run that prints its table): a new one is one line here.
/// </summary>
public static class SpeedBenches
{
    public static IReadOnlyList<Tool> All { get; } =
    [
        UnetBenchmark.Bench,
        DragBenchmark.Bench,
        GarBenchmark.Bench,
        P2pBenchmark.Bench,
        ClassifierGuidanceBenchmark.Bench,
        RaftBenchmark.Bench,
        MotionGuidanceBenchmark.Bench,
    ];
}
