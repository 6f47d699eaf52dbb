using System.CommandLine;
using Motive.Cli.Progress;
using Motive.Methods.Editing;

namespace Motive.Cli.Commands;

/// <summary>
/// How every editing command presents an edit: the library's one run path (<see cref="EditRun"/>) with progress on
/// stderr, the plan's notes before and one line after. Nothing of the method is here.
/// </summary>
public static class EditRunner
{
    public static int Run(EditRequest request, IEditInputs inputs, string outDir, string device, double? maxMemoryMiB, InvocationConfiguration io, CancellationToken cancel)
    {
        EditModels.CheckDevice(device);
        using var models = new EditModels(device, maxMemoryMiB);
        using var run = EditRun.Plan(request, inputs, models);
        var outcome = ConsoleProgress.Edit(io.Error, progress => run.Run(outDir, new EditRunOptions(progress, cancel, Note: n => io.Error.WriteLine("motive: " + n))));
        io.Output.WriteLine(outcome.Line(outDir));
        return CliApp.Ok;
    }

    /// <summary>--max-memory of the commands that run edits.</summary>
    public static Option<double?> MaxMemoryOption() => new("--max-memory")
    {
        Description = "Refuse an edit whose memory estimate is over this many GiB, before loading anything (default: what the device has).",
    };

    /// <summary>--max-memory in MiB (null: the device's own).</summary>
    public static double? MaxMemoryMiB(ParseResult r, Option<double?> option) => r.GetValue(option) switch
    {
        null => null,
        var g when double.IsFinite(g.Value) && g > 0 => g.Value * 1024,
        var g => throw new ArgumentException($"--max-memory must be a number of GiB above 0, not {g}"),
    };
}
