using System.CommandLine;
using Motive.Replays;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive selftest KIND FILE`: replay a recorded reference run and compare every tensor, one subcommand per
/// <see cref="ReplayKinds"/> entry. Everything the replay needs comes from the recording (its tensors and metadata:
/// settings, model, RAFT, LoRA or none); the options only override.
/// </summary>
public static class SelftestCommand
{
    /// <summary>Exit code when the replay runs but does not match.</summary>
    public const int Mismatch = 3;

    public static Command Create()
    {
        var cmd = new Command("selftest", "Check Motive against recorded reference runs.");
        foreach (var kind in ReplayKinds.All) cmd.Add(Replay(kind));
        return cmd;
    }

    private static Command Replay(ReplayKind kind)
    {
        var file = new Argument<string>("file") { Description = kind.FileHelp };
        var cmd = new Command(kind.Name, kind.Summary) { file };
        var args = ToolCommand.AddOptions(cmd, kind.Options);
        cmd.SetAction((r, cancel) => Print(r, kind.Check(Existing(r.GetValue(file)!), args(r), cancel)));
        return cmd;
    }

    private static string Existing(string path) => File.Exists(path) ? path : throw new FileNotFoundException($"{path}: no such file");

    /// <summary>The report's one line: stdout and exit 0 on a match, stderr and <see cref="Mismatch"/> otherwise.</summary>
    private static Task<int> Print(ParseResult r, ReplayReport report)
    {
        (report.Ok ? r.InvocationConfiguration.Output : r.InvocationConfiguration.Error).WriteLine(report.Summary);
        return Task.FromResult(report.Ok ? CliApp.Ok : Mismatch);
    }
}
