using Motive.ToyWorld;
using Motive.ToyWorld.Evaluation;
using Motive.Tests.Support;

namespace Motive.Tests.ToyWorld.Evaluation;

/// <summary>
/// The per-kind, per-region summary on hand-made scores: an empty region (NaN) is left out of the means and counted
/// out of the cases, a region no case has is "—", ∞ dB counts as 99, there is a table per kind and one for all, and
/// a verdict line per kind.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class ToyRegionTableTests
{
    private static ToyEditScore Score(double centroid, params ToyRegionScore[] regions) => new(centroid, 0.5, 30, 0.9, 35, 0.95, 1, 2, regions);

    private static ToyRegionScore R(string name, int pixels, double psnr, double ssim) => new(name, pixels, psnr, ssim);

    private static ToyRegionScore None(string name) => new(name, 0, double.NaN, double.NaN);

    private static readonly ToyBenchRow[] Rows =
    [
        new(1, "e", "a", Score(1, R("uncovered", 100, 20, 0.5), None("revealed")), "hole", Seconds: 2),
        new(3, "e", "a", Score(3, R("uncovered", 300, 30, 0.7), None("revealed")), "hole", Seconds: 4),
        new(5, "e", "a", Score(2, None("uncovered"), R("revealed", 50, double.PositiveInfinity, 1)), "reveal-back"),
        new(1, "e", "b", Score(9, R("uncovered", 100, 10, 0.1), None("revealed")), "hole"),
        new(3, "e", "b", Score(9, R("uncovered", 300, 12, 0.3), None("revealed")), "hole"),
        new(5, "e", "b", Score(9, None("uncovered"), R("revealed", 50, 15, 0.2)), "reveal-back"),
    ];

    [Fact]
    public void Summarise_LeavesEmptyRegionsOut_PerKindAndForAll()
    {
        var s = ToyRegionTable.Summarise(Rows);
        Assert.Equal(["hole", "hole", "reveal-back", "reveal-back", "all", "all"], s.Select(x => x.Kind));
        var holeA = s.Single(x => x.Kind == "hole" && x.Method == "a");
        Assert.Equal(2, holeA.Cases);
        Assert.Equal(2, holeA.MedianCentroidError);
        var uncovered = holeA.Regions.Single(r => r.Region == "uncovered");
        Assert.Equal((2, 200.0, 25.0), (uncovered.Cases, uncovered.Pixels, uncovered.Psnr));
        Assert.Equal(0.6, uncovered.Ssim, 9);
        var revealed = holeA.Regions.Single(r => r.Region == "revealed");
        Assert.Equal(0, revealed.Cases);
        Assert.True(double.IsNaN(revealed.Psnr));
        var allA = s.Single(x => x.Kind == ToyRegionTable.AllKinds && x.Method == "a");
        Assert.Equal(3, allA.Cases);
        Assert.Equal(99, allA.Regions.Single(r => r.Region == "revealed").Psnr);   // ∞ counts as 99 dB
        Assert.Equal(1, allA.Regions.Single(r => r.Region == "revealed").Cases);
    }

    [Fact]
    public void Markdown_HasATablePerKind_WithDashesWhereNoCaseHasTheRegion()
    {
        var md = ToyRegionTable.Markdown(ToyRegionTable.Summarise(Rows));
        Assert.Contains("**hole** (2 cases):", md);
        Assert.Contains("**all** (3 cases):", md);
        Assert.Contains("| method | cases | s / edit | centroid px (median) | IoU | uncovered (2, 200 px) PSNR / SSIM | revealed (none) |", md);
        Assert.Contains("| a | 2 | 3.0 | 2.00 | 0.500 | 25.00 / 0.600 | — |", md);       // seconds: the mean of the rows that have them
        Assert.Contains("| b | 1 | — | 9.00 | 0.500 | — | 15.00 / 0.200 |", md);
    }

    [Fact]
    public void Verdicts_NameTheBestPerMeasure_AndTheFocusMethodsRankWhenItIsNot()
    {
        var lines = ToyRegionTable.Verdicts(ToyRegionTable.Summarise(Rows), "b").TrimEnd().Split('\n');
        Assert.Equal("- **hole**: place a 2.0 px (b 9.0, 2nd of 2); uncovered a 25.0 dB (b 11.0, 2nd of 2)", lines[0]);
        Assert.Equal("- **reveal-back**: place a 2.0 px (b 9.0, 2nd of 2); revealed a 99.0 dB (b 15.0, 2nd of 2)", lines[1]);
        Assert.Equal("- **hole**: place a 2.0 px", ToyRegionTable.Verdicts(ToyRegionTable.Summarise(Rows), "a").Split(';')[0]);   // the best: no rank
    }
}
