using Motive.Batch;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Tests.Support;

namespace Motive.Tests.Batch;

/// <summary>
/// `motive batch run` in this process on the embedded model: shards split a manifest, a killed shard resumes
/// losing and repeating nothing, a failing item is written beside the others and the shard goes on, and the report
/// tabulates what ran.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class BatchRunTests
{
    [Fact]
    public void AKilledShard_Resumes_LosingAndRepeatingNothing()
    {
        using var dir = new TempDir();
        var (_, items) = BatchToy.Write(dir.Path, [6, 8, 10, 12]);
        var outDir = dir.File("out");
        using var models = new EditModels();
        var inputs = new FileInputs(dir.Path);
        using var kill = new CancellationTokenSource();
        string? running = null;
        // Killed in the middle of its second item (the second item's third step).
        Assert.ThrowsAny<OperationCanceledException>(() => BatchRun.Run(items, outDir, Shard.All, models, inputs,
            (k, _, item) => running = item.Id,
            p => { if (running == "move-1" && p.Phase == "move" && p.Step == 3) kill.Cancel(); }, kill.Token));
        Assert.True(BatchRun.IsDone(outDir, items[0]));
        Assert.False(BatchRun.IsDone(outDir, items[1]));
        var left = Directory.EnumerateFileSystemEntries(Path.Combine(outDir, BatchRun.ItemsFolder)).Select(Path.GetFileName).ToList();
        Assert.Equal(["move-0"], left);   // nothing half-written, no temporary folder
        var first = BatchToy.Finished(outDir, "move-0");

        var resumed = BatchRun.Run(items, outDir, Shard.All, models, inputs);
        Assert.Equal([ItemOutcome.Skipped, ItemOutcome.Done, ItemOutcome.Done, ItemOutcome.Done], resumed.Items.Select(i => i.Outcome));
        Assert.Equal(first, BatchToy.Finished(outDir, "move-0"));
        // The resumed items are what one uninterrupted run makes.
        var fresh = dir.File("fresh");
        BatchRun.Run(items, fresh, Shard.All, models, inputs);
        foreach (var item in items)
            Assert.Equal(File.ReadAllBytes(Path.Combine(BatchRun.ItemDir(fresh, item.Id), "result.png")), File.ReadAllBytes(Path.Combine(BatchRun.ItemDir(outDir, item.Id), "result.png")));

        // A changed request is not "done": it runs again.
        var changed = items.Select((it, i) => i == 0 ? new ManifestItem(it.Id, it.Request with { Seed = 5 }) : it).ToList();
        Assert.Equal(ItemOutcome.Done, BatchRun.Run(changed, outDir, new Shard(0, 2), models, inputs).Items[0].Outcome);
    }

    [Fact]
    public void Shards_SplitTheManifest_AFailingItemIsKeptBeside_AndTheReportTabulates()
    {
        using var dir = new TempDir();
        var (path, items) = BatchToy.Write(dir.Path, [6, -6, 10]);
        File.AppendAllText(path, """{"id": "broken", "method": "motion-guidance", "source": {"kind": "image", "image": "missing.png"}, "motion": {"draw": {"strokes": [{"kind": "translate", "dx": 4, "dy": 0}]}}}""" + "\n");
        var outDir = dir.File("out");
        var (code0, out0, _) = CliRunner.Run("batch", "run", path, "--out", outDir, "--shard", "0/2");
        var (code1, out1, err1) = CliRunner.Run("batch", "run", path, "--out", outDir, "--shard", "1/2");
        Assert.Equal(0, code0);   // items 0 and 2
        Assert.Contains("2 done, 0 already done, 0 failed", out0);
        Assert.Equal(1, code1);   // items 1 and "broken" (3)
        Assert.Contains("1 done, 0 already done, 1 failed", out1);
        Assert.Contains("broken failed: missing.png: no such file", err1);
        Assert.Contains("missing.png", File.ReadAllText(BatchRun.ErrorFile(outDir, "broken")));

        var (code, o, _) = CliRunner.Run("batch", "report", outDir);
        Assert.Equal(0, code);
        Assert.Contains("3 done, 1 failed", o);
        var md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| id | method | motion.draw.strokes |", md);
        Assert.Contains("\"dx\":-6", md);
        Assert.Contains("- `broken`: missing.png: no such file", md);
        var sheet = ImageReader.Read(Path.Combine(outDir, "contact.png"));
        Assert.Equal((3 * 128 + 2 * 4, 128), (sheet.Width, sheet.Height));
        Assert.Equal(ImageGrid.Thumbnail(ImageReader.Read(Path.Combine(outDir, "items", "move-1", "result.png")), 128).Pixels[..384],
            sheet.Pixels[(132 * 3)..(132 * 3 + 384)]);
    }
}
