using System.CommandLine;
using Motive.IO.Inspection;

namespace Motive.Cli.Commands;

/// <summary>`motive inspect FILE|FOLDER`: what a file is, its tensors and metadata.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A weight file (.safetensors, .ckpt, .pth, .bin), a diffusers model folder, a flow file or an image." };
        var all = new Option<bool>("--all") { Description = "List every tensor (by default the first 40)." };
        var cmd = new Command("inspect", "Tell what a file or model folder is and list its tensors and metadata.") { path, all };
        cmd.SetAction(r =>
        {
            var report = FileInspector.Inspect(r.GetValue(path)!);
            ReportPrinter.Print(report, r.InvocationConfiguration.Output, r.GetValue(all) ? int.MaxValue : 40);
            return 0;
        });
        return cmd;
    }
}
