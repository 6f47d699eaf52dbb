using System.Runtime;
using Motive.Models.Runtime;
using Motive.Tests.Support;

namespace Motive.Tests.Runtime;

/// <summary>
/// The loops' guard against TorchSharp's finalizer-freed Scalars: after <see cref="QuietGc.Step"/> no collection can
/// run (so no finalizer) until the next step or <see cref="QuietGc.End"/>; finalizers pending before it have run.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class QuietGcTests
{
    private sealed class Finalizable
    {
        public static int Finalized;
        ~Finalizable() => Interlocked.Increment(ref Finalized);
    }

    [Fact]
    public void Step_RunsPendingFinalizers_ThenHoldsCollectionsOff_UntilEnd()
    {
        MakeGarbage();
        int before = Finalizable.Finalized;
        QuietGc.Step();
        try
        {
            Assert.True(Finalizable.Finalized > before, "finalizers pending before the step ran in it");
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            int collections = GC.CollectionCount(0);
            for (int i = 0; i < 1000; i++) _ = new byte[1000];   // 1 MB, well inside the budget
            Assert.Equal(collections, GC.CollectionCount(0));
        }
        finally
        {
            QuietGc.End();
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void Loop_LeavesTheRegion_WhenTheLoopThrows()
    {
        Action loop = () =>
        {
            using var quiet = QuietGc.Loop();
            QuietGc.Step();
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            throw new OperationCanceledException();
        };
        Assert.Throws<OperationCanceledException>(loop);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    private static void MakeGarbage()
    {
        for (int i = 0; i < 100; i++) _ = new Finalizable();
    }
}
