using Motive.Models.Raft;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>
/// RAFT timing as Motion Guidance uses it: forward alone and forward + backward to both images (the energy's
/// gradient), measured side by side in one process on random images.
/// </summary>
public static class RaftBenchmark
{
    public static List<BenchRow> Run(RaftModel raft, int size, int iters, int repeats, Device device, Action<string>? log = null)
    {
        var g = new Generator(0);
        using var a = (rand([1, 3, size, size], generator: g) * 255).to(device);
        using var b = (rand([1, 3, size, size], generator: g) * 255).to(device);
        var forward = BenchTimer.Time("RAFT forward", () =>
        {
            using var _ = no_grad();
            raft.Forward(a, b, iters);
        }, repeats, device, log);
        var backward = BenchTimer.Time("RAFT forward + backward to both images", () =>
        {
            var x = a.detach().requires_grad_(true);
            var y = b.detach().requires_grad_(true);
            var (_, up) = raft.Forward(x, y, iters);
            autograd.grad([up.abs().mean()], [x, y]);
        }, repeats, device, log);
        return [forward, backward];
    }

    /// <summary>RAFT-large with random weights (the architecture is fixed; weights do not change the work).</summary>
    public static RaftModel RandomLarge(Device device)
    {
        manual_seed(0);
        var raft = new RaftModel(RaftConfig.Large);
        raft.to(device).eval();
        return raft;
    }
}
