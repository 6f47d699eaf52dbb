using System.CommandLine;
using Motive.Benchmarks;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive bench NAME`: speed, measured side by side, one subcommand per <see cref="SpeedBenches"/> entry (the table
/// on stdout, progress lines on stderr). Quality is `motive eval`; `bench toy` remains as a hidden old spelling of
/// `eval toy`.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure speed: configurations compared side by side in one run.");
        foreach (var b in SpeedBenches.All) bench.Add(ToolCommand.Create(b));
        bench.Add(EvalToyCommand.OldSpelling());
        return bench;
    }
}
