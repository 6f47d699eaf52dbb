using System.CommandLine;
using Motive.Methods.Editing;

namespace Motive.Cli.Commands;

/// <summary>`motive run REQUEST.json --out DIR`: any registered method from a request file, or a result folder's run.json (a replay).</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("request") { Description = "A request .json (\"method\": " + string.Join(" | ", EditMethods.All.Select(m => m.Name)) + ") or a result folder's run.json." };
        var output = new Option<string>("--out") { Description = "Output folder (written whole at the end).", Required = true };
        var maxMemory = EditRunner.MaxMemoryOption();
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu", Description = "cpu or cuda (cuda:N)." };
        var cmd = new Command("run", "Run an edit request (any method) from a JSON file; a result's run.json replays its edit.") { file, output, device, maxMemory };
        cmd.SetAction((r, cancel) =>
        {
            // Relative input names are relative to the request's own folder (a result folder's run.json names its inputs so).
            var path = r.GetValue(file)!;
            var inputs = new FileInputs(Path.GetDirectoryName(Path.GetFullPath(path)));
            return Task.FromResult(EditRunner.Run(EditJson.Read(path), inputs, r.GetValue(output)!, r.GetValue(device)!, EditRunner.MaxMemoryMiB(r, maxMemory), r.InvocationConfiguration, cancel));
        });
        return cmd;
    }
}
