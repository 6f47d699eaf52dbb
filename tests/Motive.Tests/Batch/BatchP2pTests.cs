using Motive.Batch;
using Motive.Tests.Support;

namespace Motive.Tests.Batch;

/// <summary>A batch manifest of Prompt-to-Prompt requests runs through `motive batch run` as any method's, and the report tabulates them.</summary>
[Trait(Tier.Category, Tier.Integration)]
public class BatchP2pTests
{
    [Fact]
    public void AManifestOfWordSwaps_RunsAndIsReported()
    {
        using var dir = new TempDir();
        var manifest = dir.File("swaps.jsonl");
        File.WriteAllLines(manifest, new[] { "red", "green" }.Select(colour =>
            $$$"""{"id": "to-{{{colour}}}", "method": "prompt-to-prompt", "source_prompt": "a blue square on a speckled background", "target_prompt": "a {{{colour}}} square on a speckled background", "seed": 4, "settings": {"steps": 3, "blend_words": "square"}}"""));
        var outDir = dir.File("out");
        var (code, o, e) = CliRunner.Run("batch", "run", manifest, "--out", outDir);
        Assert.True(code == 0, e);
        Assert.Contains("2 done, 0 already done, 0 failed", o);
        foreach (var id in new[] { "to-red", "to-green" })
            Assert.True(File.Exists(Path.Combine(BatchRun.ItemDir(outDir, id), "attention.png")), id);
        // One seed, one source: both items start from the same source picture.
        Assert.Equal(File.ReadAllBytes(Path.Combine(BatchRun.ItemDir(outDir, "to-red"), "source.png")),
            File.ReadAllBytes(Path.Combine(BatchRun.ItemDir(outDir, "to-green"), "source.png")));
        var (rc, _, _) = CliRunner.Run("batch", "report", outDir);
        Assert.Equal(0, rc);
        Assert.Contains("target_prompt", File.ReadAllText(Path.Combine(outDir, "report.md")));
    }
}
