using System.Runtime;

namespace Motive.Models.Runtime;

/// <summary>
/// Keeps TorchSharp 0.107's implicit Scalars alive through libtorch's calls. Every <c>tensor * 2.0</c> makes a Scalar
/// that only its finalizer frees; the finalizer thread can run while libtorch still reads it, and then an operation
/// fails with "Unknown scalar type" or reads a wrong number (seen in training runs every few hundred steps and in
/// caption sampling; reproduced in 9,092 iterations with a thread that keeps collecting). Loops call
/// <see cref="Step"/> between iterations: it collects and runs pending finalizers while this thread is in no native
/// call, then asks for a no-GC region for the iteration, so no finalizer runs inside it. When an iteration
/// allocates more than the budget the runtime leaves the region early; the window is then only much narrower.
/// The region is process-wide, so this holds for one loop at a time: a second loop on another thread would collect
/// inside the first one's step (the CLI runs one; the test suite runs its classes one after another for this reason).
/// </summary>
public static class QuietGc
{
    private const long Budget = 128L << 20;
    private static readonly object Gate = new();

    /// <summary>Ends the previous iteration's region, drains the finalizers, starts this iteration's region.</summary>
    public static void Step()
    {
        lock (Gate)
        {
            End();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            try
            {
                GC.TryStartNoGCRegion(Budget);
            }
            catch (InvalidOperationException)
            {
                // already in a region (a nested loop started it): keep that one
            }
        }
    }

    /// <summary>
    /// Short tensor work on another thread while a loop runs (a server's instant previews beside its running job):
    /// the loop's collection between its iterations waits for it, and inside an iteration the loop's no-GC region
    /// covers it too.
    /// </summary>
    public static T Beside<T>(Func<T> work)
    {
        lock (Gate) return work();
    }

    /// <summary>For a loop that calls <see cref="Step"/>: <c>using var quiet = QuietGc.Loop();</c> leaves the region however the loop ends (a cancel or an error included).</summary>
    public static IDisposable Loop() => new Ender();

    private sealed class Ender : IDisposable
    {
        public void Dispose() => End();
    }

    /// <summary>Leaves the no-GC region if one is active.</summary>
    public static void End()
    {
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // the region had already ended (an allocation exceeded the budget)
        }
    }
}
