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
        var all = new Option<bool>("--all") { Description = "Print every check (its difference, limit and how close it came), not only the summary." };
        var cmd = new Command(kind.Name, kind.Summary) { file, all };
        var args = ToolCommand.AddOptions(cmd, kind.Options);
        cmd.SetAction((r, cancel) =>
        {
            var report = kind.Check(Existing(r.GetValue(file)!), args(r), cancel);
            if (r.GetValue(all))
                foreach (var c in report.Checks) r.InvocationConfiguration.Output.WriteLine($"{(c.Ok ? "ok  " : "FAIL")} {c.Closeness,6:0.00} {c}");
            return Print(r, report);
        });
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
