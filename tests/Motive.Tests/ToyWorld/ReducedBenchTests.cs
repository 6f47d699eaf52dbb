using Motive.Methods.MotionGuidance;
using Motive.ToyWorld;

namespace Motive.Tests.ToyWorld;

/// <summary>
/// CI's reduced toy bench: the first five held-out scenes with a random edit of their largest object (move, scale or
/// turn), the model's preset at 20 DDIM steps × 1 recursion, through the bench's own run and summary. Motion Guidance
/// must beat the no-guidance baseline (same inversion and seed) on the edited object's centroid error and IoU; the
/// message lists every metric where it is better.
/// </summary>
public class ReducedBenchTests
{
    [Fact]
    public void MotionGuidance_BeatsNoGuidance_OnCentroidErrorAndIoU()
    {
        using var models = ToyModels.Load();
        var rows = ToyBench.Run(models, 5, 0, new MotionGuidanceOptions { Steps = 20, Recursions = 1 });   // the rest: the model's preset
        var summary = ToyBench.Summarise(rows);
        var mg = summary.Single(s => s.Method == ToyEdit.MotionGuidanceName);
        var ng = summary.Single(s => s.Method == ToyEdit.NoGuidanceName);
        Assert.Equal(5, mg.Cases);
        Assert.Equal(5, ng.Cases);
        var message = $"guided: centroid {mg.MedianCentroidError:0.00} px, IoU {mg.IoU:0.00}; unguided: {ng.MedianCentroidError:0.00} px, {ng.IoU:0.00}; guided is better on: {string.Join(", ", mg.BetterThan(ng))}";
        Assert.True(mg.MedianCentroidError < ng.MedianCentroidError && mg.IoU > ng.IoU, message);
    }
}
