using System.Text.Json.Nodes;
using Motive.Batch;
using Motive.Methods.Editing;
using Motive.Tests.Support;

namespace Motive.Tests.Batch;

/// <summary>Classifier guidance in a batch manifest: its requests run as items like any method's, each with its own result folder and metrics.</summary>
[Trait(Tier.Category, Tier.Integration)]
public class ClassifierGuidanceBatchTests
{
    [Fact]
    public void AManifestOfClassifierGuidedSamplings_Runs()
    {
        using var dir = new TempDir();
        var path = dir.File("manifest.jsonl");
        File.WriteAllLines(path,
        [
            """{"id": "red", "method": "classifier-guidance", "target": "red", "settings": {"steps": 3, "samples": 2, "scale": 10}}""",
            """{"id": "blue", "method": "classifier-guidance", "target": "blue", "seed": 7, "settings": {"steps": 3, "samples": 1, "scale": 10}}""",
        ]);
        var items = Manifest.Read(path);
        using var models = new EditModels();
        var outDir = dir.File("out");
        var summary = BatchRun.Run(items, outDir, Shard.All, models, new FileInputs(dir.Path));
        Assert.Equal([ItemOutcome.Done, ItemOutcome.Done], summary.Items.Select(i => i.Outcome));
        foreach (var (id, samples) in new[] { ("red", 2), ("blue", 1) })
        {
            var item = BatchRun.ItemDir(outDir, id);
            var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(item, "metrics.json")))!;
            Assert.Equal(id, metrics["target"]!.GetValue<string>());
            Assert.Equal(samples, metrics["samples"]!.GetValue<int>());
            Assert.True(File.Exists(Path.Combine(item, "sample_00.png")));
            Assert.Equal(samples == 2, File.Exists(Path.Combine(item, "sample_01.png")));
            var run = EditJson.Read(Path.Combine(item, "run.json"));
            Assert.Equal(10, ((Motive.Methods.ClassifierGuidance.ClassifierGuidanceRequest)run).Settings.Scale);
        }
    }
}
