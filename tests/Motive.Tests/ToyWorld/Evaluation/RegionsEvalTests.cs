using System.Text.Json;
using System.Text.Json.Nodes;
using Motive.IO.Images;
using Motive.IO.Json;
using Motive.Models.Loading;
using Motive.ToyWorld;
using Motive.ToyWorld.Evaluation;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Xunit.Abstractions;

namespace Motive.Tests.ToyWorld.Evaluation;

/// <summary>
/// `motive eval toy --set regions` end to end on the first seven cases of the set (one of each kind) at 6 DDIM steps ×
/// 1 recursion, on a copy of the embedded model whose drag preset is as short (the pictures are poor; what is checked
/// is the measuring): every method has every case it runs (DragDiffusion: the moves), each region
/// the truth has is scored with a number (∞ allowed for PSNR), the ones it has not are NaN, each case's regions.png is
/// the truth's regions, and the report holds a table per kind, the verdicts per kind and the contact sheet.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class RegionsEvalTests(ITestOutputHelper output)
{
    [Fact]
    public void RegionsSet_ScoresEveryRegion_OfEveryMethod()
    {
        using var dir = new TempDir();
        var model = ShortDragModel(dir.File("model"));
        var bench = dir.File("bench");
        var (code, md, err) = CliRunner.Run("eval", "toy", "--set", "regions", "--n", "7", "--steps", "6", "--recursions", "1", "--model", model, "--out", bench);
        Assert.True(code == 0, err);
        output.WriteLine(md);

        var cases = ToyBenchBatch.Cases(bench).Select(c => c.ToCase()).ToList();
        Assert.Equal(ToyCaseSets.RegionKinds, cases.Select(c => c.Kind));
        var rows = JsonNode.Parse(File.ReadAllText(Path.Combine(bench, "bench.json")))!["rows"].Deserialize<List<ToyBenchRow>>(MotiveJson.Options)!;
        var methods = ToyBenchBatch.Methods.Select(m => m.Name).ToList();
        Assert.Equal(cases.Sum(c => ToyBenchBatch.Methods.Count(m => m.AppliesTo(c))), rows.Count);
        Assert.Equal(4, rows.Count(r => r.Method == ToyBench.DragName));   // the set's four moves
        Assert.All(rows.Where(r => r.Method != ToyEdit.ForwardWarpName), r => Assert.True(r.Seconds > 0, $"{r.Method} on case {r.Seed}: no seconds"));
        foreach (var c in cases)
        {
            var regions = EditRegions.Of(c.Truth);
            foreach (var method in ToyBenchBatch.Methods.Where(m => m.AppliesTo(c)).Select(m => m.Name))
            {
                var row = rows.Single(r => r.Seed == c.Seed && r.Method == method);
                Assert.Equal(c.Kind, row.Kind);
                Assert.Equal(EditRegions.All.Select(EditRegions.Name), row.Score.Regions!.Select(r => r.Region));
                foreach (var (region, score) in EditRegions.All.Zip(row.Score.Regions!))
                {
                    var what = $"{method} on {c.Kind} case {c.Seed}, {score.Region}";
                    Assert.Equal(regions.Count(region), score.Pixels);
                    if (score.Pixels == 0)
                    {
                        Assert.True(double.IsNaN(score.Psnr) && double.IsNaN(score.Ssim), what + ": an empty region has no score");
                        continue;
                    }
                    Assert.False(double.IsNaN(score.Psnr) || double.IsNegativeInfinity(score.Psnr), what + $": PSNR {score.Psnr}");
                    if (HasWindow(regions.Mask(region), c.Width, c.Height)) Assert.InRange(score.Ssim, -1, 1);
                }
            }
            var picture = ImageReader.Read(Path.Combine(bench, "cases", c.Seed.ToString(), ToyCaseSheet.RegionsFile));
            Assert.Equal(regions.Picture(c.Truth.TargetRender.Image).Pixels, picture.Pixels);
        }
        // The reveal cases reveal, and every method is scored there.
        Assert.All(rows.Where(r => r.Kind is "reveal-front" or "reveal-back"), r => Assert.True(r.Score.Regions!.Single(x => x.Region == "revealed").Pixels >= ToyCaseSets.MinRevealed));

        Assert.Contains("## By edit kind and region", md);
        foreach (var kind in ToyCaseSets.RegionKinds.Append(ToyRegionTable.AllKinds)) Assert.Contains($"**{kind}** (", md);
        Assert.Contains($"| {ToyEdit.ForwardWarpName} |", md);
        foreach (var kind in ToyCaseSets.RegionKinds) Assert.Contains($"- **{kind}**: place ", md);

        var sheet = ImageReader.Read(Path.Combine(bench, ToyCaseSheet.SheetFile));
        Assert.Equal(((3 + methods.Count) * 128 + (2 + methods.Count) * 4, 7 * 128 + 6 * 4), (sheet.Width, sheet.Height));
    }

    /// <summary>A copy of the embedded model whose drag preset is a few steps of everything.</summary>
    private static string ShortDragModel(string dir)
    {
        foreach (var file in Directory.GetFiles(EmbeddedModel.Dir, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(dir, Path.GetRelativePath(EmbeddedModel.Dir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        var presets = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "motive.json")))!.AsObject();
        presets["drag"] = new JsonObject { ["steps"] = 10, ["lora_steps"] = 4, ["max_iterations"] = 4 };
        File.WriteAllText(Path.Combine(dir, "motive.json"), presets.ToJsonString());
        return dir;
    }

    /// <summary>Whether SSIM has a window to average: a pixel of the mask at least 3 px from every border.</summary>

    private static bool HasWindow(bool[] mask, int w, int h) =>
        Enumerable.Range(0, mask.Length).Any(i => mask[i] && i % w >= 3 && i % w < w - 3 && i / w >= 3 && i / w < h - 3);
}
