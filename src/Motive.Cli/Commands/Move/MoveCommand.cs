using System.CommandLine;
using Motive.Methods.Editing;

namespace Motive.Cli.Commands.Move;

/// <summary>`motive move`: its options as a Motion Guidance request, run through the editing seam (<see cref="EditRunner"/>).</summary>
public static class MoveCommand
{
    public static Command Create()
    {
        var o = new MoveOptions();
        var cmd = new Command("move", "Move what, where: re-synthesise an image so that it follows a target optical flow (Motion Guidance).");
        o.AddTo(cmd);
        cmd.SetAction((r, cancel) =>
            Task.FromResult(EditRunner.Run(o.Request(r), new FileInputs(), r.GetValue(o.SaveDir)!, r.GetValue(o.Device)!, EditRunner.MaxMemoryMiB(r, o.MaxMemory), r.InvocationConfiguration, cancel)));
        return cmd;
    }
}
