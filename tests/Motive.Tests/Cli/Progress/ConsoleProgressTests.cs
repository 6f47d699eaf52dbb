using Motive.Cli.Progress;
using Motive.Tests.Support;

namespace Motive.Tests.Cli;

[Trait(Tier.Category, Tier.Unit)]
public class ConsoleProgressTests
{
    [Fact]
    public void Line_RateAndEtaCountOnlyTheWorkSinceTheFirstReport()
    {
        // a run resumed at step 1,500 of 3,500 that did 20 steps in 10 s: 2 steps/s, 1,980 steps left → 990 s
        var line = ConsoleProgress.Line("train vae", 1520, 3500, "steps", TimeSpan.FromSeconds(10), from: 1500);
        Assert.Equal("train vae: 43% (1520 steps of 3500 steps), 2 steps/s, ETA 00:16:30", line);
    }

    [Fact]
    public void Run_ReportsToStderrWhenRedirected()
    {
        var err = new StringWriter();
        var result = ConsoleProgress.Run("work", 3, "items", err, p => { for (int i = 1; i <= 3; i++) p.Report(i); return 42; });
        Assert.Equal(42, result);
        Assert.Contains("work: 100% (3 items of 3 items)", err.ToString());
    }
}
