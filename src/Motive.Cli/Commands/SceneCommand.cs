using System.CommandLine;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.Models.Flow;
using Motive.ToyWorld.Scenes;
using TorchSharp;

namespace Motive.Cli.Commands;

/// <summary>`motive scene`: one scene of the embedded toy world, and with --edit an edit with its exact ground truth.</summary>
public static class SceneCommand
{
    /// <summary>The toy world is drawn at 128 px; 1024 is already 64× the pixels and a second or two a scene.</summary>
    public const int SceneLimit = 1024;

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
            int side = r.GetValue(size);
            if (side is < 64 or > SceneLimit) throw new ArgumentException($"--size must be between 64 and {SceneLimit} px, got {side}");
            Directory.CreateDirectory(dir);
            var scene = SceneGenerator.Generate(r.GetValue(seed), side, side);
            var render = SceneRenderer.Render(scene);
            var caption = Captions.Of(scene);
            PngWriter.Write(Path.Combine(dir, "scene.png"), render.ToRgb(), new Dictionary<string, string> { ["motive.caption"] = caption });
            File.WriteAllText(Path.Combine(dir, "caption.txt"), caption + "\n");
            var lines = new List<string> { caption };
            if (r.GetValue(edit))
            {
                var gt = EditGroundTruth.Of(scene, EditGroundTruth.RandomEdit(scene, r.GetValue(seed)));
                PngWriter.Write(Path.Combine(dir, "target.png"), gt.TargetRender.ToRgb());
                using var flow = torch.tensor(gt.Flow).view(2, side, side);
                FlowFile.Write(Path.Combine(dir, "flow.pth"), flow);
                PngWriter.Write(Path.Combine(dir, "flow.png"), FlowColors.ToImage(flow));
                PngWriter.Write(Path.Combine(dir, "region.png"), Mask(gt.Region, side));
                PngWriter.Write(Path.Combine(dir, "occluded.png"), Mask(gt.Occluded, side));
                File.WriteAllText(Path.Combine(dir, "edit.txt"), gt.Edit.Describe(scene) + "\n");
                lines.Add(gt.Edit.Describe(scene));
            }
            r.InvocationConfiguration.Output.WriteLine($"wrote {dir}: {string.Join("; ", lines)}");
            return CliApp.Ok;
        });
        return cmd;
    }

    private static RgbImage Mask(bool[] m, int side) => new(side, side, m.SelectMany(b => b ? new byte[] { 255, 255, 255 } : new byte[] { 0, 0, 0 }).ToArray());
}
