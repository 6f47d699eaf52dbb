using System.CommandLine;
using Motive.ToyWorld;

namespace Motive.Cli.Commands;

/// <summary>`motive scene`: one scene of the embedded toy world, and with --edit an edit with its exact ground truth (<see cref="ToyScenes"/>).</summary>
public static class SceneCommand
{
    public static Command Create()
    {
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Scene seed (the same seed gives the same scene)." };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 128, Description = "Image side in pixels." };
        var edit = new Option<bool>("--edit") { Description = "Also pick an edit (seeded) and write its target and ground truth." };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var cmd = new Command("scene", "Draw a scene of the embedded toy world (caption, masks; with --edit: target, exact flow, occlusions).") { seed, size, edit, output };
        cmd.SetAction(r =>
        {
            var dir = r.GetValue(output)!;
            var lines = ToyScenes.Write(dir, r.GetValue(seed), r.GetValue(size), r.GetValue(edit));
            r.InvocationConfiguration.Output.WriteLine($"wrote {dir}: {string.Join("; ", lines)}");
            return CliApp.Ok;
        });
        return cmd;
    }
}
