using Motive.Tests.Support;

namespace Motive.Tests.Cli;

/// <summary>`motive eval toy` is the quality evaluation; `motive bench toy`, its old spelling, still runs it, hidden, naming the new one.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class EvalCommandTests
{
    [Fact]
    public void EvalToy_RefusesBadInput_WithoutANote()
    {
        var (code, _, e) = CliRunner.Run("eval", "toy", "--n", "0");
        Assert.Equal(2, code);
        Assert.Equal("motive: --n must be at least 1", e.Trim());
    }

    [Fact]
    public void EvalToy_RefusesAnUnknownSet_AndTheRegionsSetForTextEdits()
    {
        var (code, _, e) = CliRunner.Run("eval", "toy", "--set", "spin");
        Assert.Equal(2, code);
        Assert.Equal("motive: --set must be random or regions, not 'spin'", e.Trim());
        (code, _, e) = CliRunner.Run("eval", "toy", "--set", "regions", "--method", "gar");
        Assert.Equal(2, code);
        Assert.Equal("motive: --set regions runs with --method motion-guidance or drag, not gar", e.Trim());
    }

    [Fact]
    public void EvalToy_RefusesAnUnknownMethodOfTheBench_AndMethodsForOtherEvaluations()
    {
        var (code, _, e) = CliRunner.Run("eval", "toy", "--methods", "forward-warp,teleport");
        Assert.Equal(2, code);
        Assert.Equal("motive: --methods: the bench has no method 'teleport'; it runs motion-guidance, no-guidance, forward-warp, warp-inpaint, drag", e.Trim());
        (code, _, e) = CliRunner.Run("eval", "toy", "--method", "gar", "--methods", "forward-warp");
        Assert.Equal(2, code);
        Assert.Equal("motive: --methods chooses among the motion-guidance bench's methods, not gar's", e.Trim());
        // Motion Guidance always runs: the others are measured beside it.
        Assert.Equal(["motion-guidance", "drag"], Motive.ToyWorld.Evaluation.ToyBenchBatch.Chosen(["drag"]).Select(m => m.Name));
    }

    [Fact]
    public void BenchToy_StillRuns_AndNamesTheNewSpellingOnStderr()

    {
        var (code, _, e) = CliRunner.Run("bench", "toy", "--n", "0");
        Assert.Equal(2, code);
        Assert.Equal(["motive: 'bench toy' is now 'eval toy' (bench measures speed); running it", "motive: --n must be at least 1"], e.Trim().Split('\n'));
    }

    [Fact]
    public void BenchHelp_ListsSpeedOnly_EvalHelpListsToy()
    {
        var (_, bench, _) = CliRunner.Run("bench", "--help");
        Assert.Contains("unet", bench);
        Assert.DoesNotContain("toy", bench);
        var (_, eval, _) = CliRunner.Run("eval", "--help");
        Assert.Contains("toy", eval);
    }
}
