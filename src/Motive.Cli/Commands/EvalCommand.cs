using System.CommandLine;

namespace Motive.Cli.Commands;

/// <summary>`motive eval toy` and `motive eval guide`: quality measured against ground truth (speed is `motive bench`).</summary>
public static class EvalCommand
{
    public static Command Create() =>
        new("eval", "Measure quality: edits judged against exact ground truth.") { EvalToyCommand.Create(), EvalGuideCommand.Create() };
}
