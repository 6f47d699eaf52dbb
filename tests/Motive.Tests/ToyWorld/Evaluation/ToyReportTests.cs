using Motive.Batch;
using Motive.ToyWorld;
using Motive.ToyWorld.Evaluation;
using Motive.Tests.Support;

namespace Motive.Tests.ToyWorld.Evaluation;

/// <summary>
/// Every toy report comes from ToyReport: the per-method table (bench.md's numbers at 3 places, a batch report's truth
/// section in the batch report's own format), and a bench folder's truth joined to its items by case.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class ToyReportTests
{
    private static readonly ToyBenchRow[] Rows =
    [
        new(1, "move", ToyEdit.MotionGuidanceName, new ToyEditScore(1.23456, 0.9, 30, 0.95, 35, 0.97, 0.5, 1.5)),
        new(3, "move", ToyEdit.MotionGuidanceName, new ToyEditScore(2.5, 0.7, 28, 0.9, 33, 0.96, 0.7, 2.5)),
        new(1, "move", ToyEdit.NoGuidanceName, new ToyEditScore(9, 0.2, 20, 0.8, 30, 0.9, 1.5, 9)),
        new(3, "move", ToyEdit.NoGuidanceName, new ToyEditScore(11, 0.4, 22, 0.8, 31, 0.9, 1.7, 10)),
    ];

    [Fact]
    public void Table_HasAColumnPerMetric_AndARowPerMethod_InTheGivenFormat()
    {
        var summary = ToyBench.Summarise(Rows);
        var lines = ToyReport.Table(summary, v => v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).TrimEnd().Split('\n');
        Assert.Equal(2 + summary.Count, lines.Length);
        Assert.Equal(summary[0].Metrics.Count + 2, lines[0].Count(ch => ch == '|'));
        // the median of 1.23456 and 2.5 is 1.86728; the mean IoU 0.8
        Assert.StartsWith($"| {ToyEdit.MotionGuidanceName} | 1.9 | 0.8 |", lines[2]);
        Assert.StartsWith($"| {ToyEdit.NoGuidanceName} | 10.0 | 0.3 |", lines[3]);
    }

    [Fact]
    public void WithTruth_AddsEachItemsColumns_AndTheSection_InTheBatchFormat()
    {
        var items = new[] { 1, 3 }.SelectMany(seed => new[] { ToyEdit.MotionGuidanceName, ToyEdit.NoGuidanceName }.Select(m => ToyBenchBatch.ItemId(seed, m)))
            .Select(id => new BatchReport.Row(id, "motion-guidance", new Dictionary<string, string>(), new Dictionary<string, double>(), 1.0)).ToList();
        var report = new BatchReport.Report([], [], items, []);
        var with = ToyBenchBatch.WithTruth(report, Rows);
        Assert.Equal(2.5, with.Items.Single(i => i.Id == "case-3-motion-guidance").Metrics["truth_centroid_error"]);
        Assert.Equal(9, with.Items.Single(i => i.Id == "case-1-no-guidance").Metrics["truth_centroid_error"]);
        Assert.Contains("truth_iou", with.MetricColumns);
        var md = BatchReport.Markdown(with);
        Assert.Contains("Against the toy world's truth (2 cases", md);
        Assert.Contains($"| {ToyEdit.MotionGuidanceName} | 1.8673 | 0.8 |", md);
    }
}
