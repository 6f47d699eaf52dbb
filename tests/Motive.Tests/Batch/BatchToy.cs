using Motive.Batch;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;

namespace Motive.Tests.Batch;

/// <summary>Small manifests on the embedded model: toy scene 1, its front object moved by a different amount per item.</summary>
public static class BatchToy
{
    /// <summary>Writes scene.png and a manifest of <paramref name="moves"/>.Length Motion Guidance items into <paramref name="dir"/>.</summary>
    public static (string Manifest, IReadOnlyList<ManifestItem> Items) Write(string dir, int[] moves, int steps = 4)
    {
        var scene = SceneGenerator.Generate(1, 128, 128);
        PngWriter.Write(Path.Combine(dir, "scene.png"), SceneRenderer.Render(scene).ToRgb());
        var front = scene.Objects[^1];
        var lines = moves.Select((dx, i) =>
            $$$"""{"id": "move-{{{i}}}", "method": "motion-guidance", "prompt": "{{{Captions.Of(scene)}}}", "source": {"kind": "image", "image": "scene.png"}, "motion": {"draw": {"strokes": [{"kind": "translate", "dx": {{{dx}}}, "dy": 0}], "region": "click:{{{(int)front.X}}},{{{(int)front.Y}}}"}}, "settings": {"steps": {{{steps}}}, "recursions": 1}}""");
        var path = Path.Combine(dir, "manifest.jsonl");
        File.WriteAllLines(path, lines);
        return (path, Manifest.Read(path));
    }

    public static DateTime Finished(string outDir, string id) => File.GetLastWriteTimeUtc(Path.Combine(BatchRun.ItemDir(outDir, id), BatchRun.MarkerFile));
}
