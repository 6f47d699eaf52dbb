using Motive.Guidance.Sampler;
using Motive.Methods.MotionGuidance;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.Sampling.Pipelines;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Methods;

/// <summary>
/// Memory is deterministic: after every step of a guided run the number of live tensors is the same (the trace keeps
/// plain numbers from step to step). A leak of one tensor per evaluation fails this. Its cheap, exact form; the full
/// run (500 steps × 10 recursions on the fixture model) is measured in the README.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class MotionGuidanceMemoryTests
{
    [Fact]
    public void LiveTensors_DoNotGrowFromStepToStep()
    {
        var settings = new MotionGuidanceSettings { Steps = 4, Recursions = 2 };
        using var f = new MgFixtureRun(settings.Cfg);
        using var noise = new SeededNoise(5);
        using var trace = new GuidanceTrace();
        var live = new List<long>();
        using var final = MotionGuidanceRun.Run(f.Model, f.Raft, f.Cond, f.Inputs, settings, noise, trace,
            onStep: (_, _) =>
            {
                // Wrappers the test itself dropped are finalised at random times; collect them so only held tensors count.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                live.Add(torch.Tensor.TotalCount);
            });
        Assert.Equal(4, live.Count);
        Assert.All(live, n => Assert.Equal(live[0], n));
    }
}

