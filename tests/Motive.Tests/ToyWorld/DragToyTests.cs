using Xunit.Abstractions;
using System.Text.Json;
using Motive.IO.Images;
using Motive.ToyWorld;
using Motive.Tests.Support;

namespace Motive.Tests.ToyWorld;

/// <summary>
/// `motive drag` on the embedded model against the toy world's exact truth: a 20 px move of the demo scene's largest
/// object dragged from its centroid. The object's actual new position (its colour's centroid in the result) must end
/// at most half as far from the target as in the unedited picture; a second drag of the same picture takes the
/// cached LoRA (no LoRA progress) and gives the same pixels.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class DragToyTests(ITestOutputHelper log)
{
    [Fact]
    public void Drag_MovesTheObjectTowardItsTarget_AndReusesTheCachedLora()
    {
        using var dir = new TempDir();
        var c = ToyCase.Move(1);
        var drag = ToyDrag.Of(c);
        var request = drag.Write(dir.Path);
        File.WriteAllText(dir.File("drag.json"), Motive.Methods.Editing.EditJson.Serialize(request, indented: true));
        var cache = dir.File("cache");
        var env = new Dictionary<string, string> { ["MOTIVE_CACHE"] = cache };

        var (code, o, e) = CliRunner.Run(env, "run", dir.File("drag.json"), "--out", dir.File("first"));
        Assert.True(code == 0, e);
        Assert.Contains("lora:", e);
        foreach (var name in new[] { "result.png", "summary.png", "tracks.json", "loss.png", "metrics.json", "run.json" })
            Assert.True(File.Exists(Path.Combine(dir.File("first"), name)), $"{name} is missing");

        double unedited = ToyEditScore.Of(c, c.Truth.SourceRender.Image, 0, 0).CentroidError;
        var result = ToyEdit.Planar(ImageReader.Read(Path.Combine(dir.File("first"), "result.png")));
        double edited = ToyEditScore.Of(c, result, 0, 0).CentroidError;
        log.WriteLine($"toy drag (seed {c.Seed}, {drag.Drag}): object {unedited:0.00} px from the target unedited, {edited:0.00} px dragged");
        Assert.True(edited <= 0.5 * unedited, $"the dragged object ends {edited:0.0} px from the target, unedited {unedited:0.0} px (wanted ≤ half)");

        var (code2, o2, e2) = CliRunner.Run(env, "run", dir.File("drag.json"), "--out", dir.File("second"));
        Assert.True(code2 == 0, e2);
        Assert.DoesNotContain("lora:", e2);
        using var metrics = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir.File("second"), "metrics.json")));
        Assert.Equal("cached", metrics.RootElement.GetProperty("lora").GetString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("first"), "result.png")), File.ReadAllBytes(Path.Combine(dir.File("second"), "result.png")));
    }
}
