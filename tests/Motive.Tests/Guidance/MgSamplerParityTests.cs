using Motive.Methods.MotionGuidance;
using Motive.Tests.Support;
using Xunit.Abstractions;

namespace Motive.Tests.Guidance;

/// <summary>The guided sampler replays the reference's recorded run (fixture mg_sampler) tensor for tensor.</summary>
public class MgSamplerParityTests(ITestOutputHelper log)
{
    [Fact]
    public void Replay_MatchesTheReferenceRun()
    {
        var report = SamplerReplay.Check(Fixtures.Parity("mg_sampler.safetensors"), Fixtures.Parity("tiny-sd"), Fixtures.Parity("raft_large_random_fp16.pth"));
        foreach (var c in report.Checks) log.WriteLine($"{c.Name}: max |diff| {c.MaxAbsDiff:g3}, rel L2 {c.RelativeL2:g3}, ok {c.Ok}");
        Assert.Equal(8, report.Evaluations);
        Assert.True(report.Ok, report.Summary);
    }
}
