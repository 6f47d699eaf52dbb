using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.Models.Flow;
using Motive.ToyWorld.Scenes;
using TorchSharp;

namespace Motive.ToyWorld;

/// <summary>
/// A scene of the toy world for the front ends: as a picture with its caption (the server's POST /toy/scenes), or as
/// a folder (`motive scene`): scene.png, caption.txt and, with an edit, its target, exact flow, region, occlusions.
/// </summary>
public static class ToyScenes
{
    /// <summary>The toy world is drawn at 128 px; 1024 is already 64× the pixels and a second or two a scene.</summary>
    public const int SideLimit = 1024;

    /// <summary>Scene <paramref name="seed"/> drawn <paramref name="side"/> px square, and its caption.</summary>
    public static (RgbImage Picture, string Caption) Picture(int seed, int side)
    {
        var scene = SceneGenerator.Generate(seed, side, side);
        return (SceneRenderer.Render(scene).ToRgb(), Captions.Of(scene));
    }

    /// <summary>Writes the scene's folder (with a seeded edit and its truth when <paramref name="edit"/>); what it holds, in words.</summary>
    public static IReadOnlyList<string> Write(string dir, int seed, int side, bool edit)
    {
        if (side is < 64 or > SideLimit) throw new ArgumentException($"--size must be between 64 and {SideLimit} px, got {side}");
        Directory.CreateDirectory(dir);
        var scene = SceneGenerator.Generate(seed, side, side);
        var caption = Captions.Of(scene);
        PngWriter.Write(Path.Combine(dir, "scene.png"), SceneRenderer.Render(scene).ToRgb(), new Dictionary<string, string> { ["motive.caption"] = caption });
        File.WriteAllText(Path.Combine(dir, "caption.txt"), caption + "\n");
        var lines = new List<string> { caption };
        if (!edit) return lines;
        var gt = EditGroundTruth.Of(scene, EditGroundTruth.RandomEdit(scene, seed));
        PngWriter.Write(Path.Combine(dir, "target.png"), gt.TargetRender.ToRgb());
        using var flow = torch.tensor(gt.Flow).view(2, side, side);
        FlowFile.Write(Path.Combine(dir, "flow.pth"), flow);
        PngWriter.Write(Path.Combine(dir, "flow.png"), FlowColors.ToImage(flow));
        PngWriter.Write(Path.Combine(dir, "region.png"), Mask(gt.Region, side));
        PngWriter.Write(Path.Combine(dir, "occluded.png"), Mask(gt.Occluded, side));
        File.WriteAllText(Path.Combine(dir, "edit.txt"), gt.Edit.Describe(scene) + "\n");
        lines.Add(gt.Edit.Describe(scene));
        return lines;
    }

    private static RgbImage Mask(bool[] m, int side) => new(side, side, m.SelectMany(b => b ? new byte[] { 255, 255, 255 } : new byte[] { 0, 0, 0 }).ToArray());
}
