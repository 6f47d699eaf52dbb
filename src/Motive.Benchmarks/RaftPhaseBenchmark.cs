using Motive.Models.Raft;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>
/// Where a RAFT forward and its backward to the images spend their time (`motive bench raft --phases`): each phase
/// of <see cref="RaftModel.Forward"/> run alone on the shapes it has in a real call, forward and forward + backward
/// to that phase's own inputs, side by side in one process. The phases' sums come close to the whole call's, so a
/// phase whose backward costs far more than its forward is where the call loses time.
/// </summary>
public static class RaftPhaseBenchmark
{
    public sealed record Phase(string Name, double ForwardMs, double ForwardBackwardMs);

    public static List<Phase> Run(RaftModel raft, int size, int iters, int repeats, Device device, Action<string>? log = null)
    {
        var g = new Generator(0);
        using var a = (rand([1, 3, size, size], generator: g) * 2 - 1).to(device);
        using var b = (rand([1, 3, size, size], generator: g) * 2 - 1).to(device);
        var c = raft.Config;
        Tensor f1, f2, net, inp, corr, flow, coords;
        Tensor[] pyramid;
        using (no_grad())
        {
            var fmaps = raft.FeatureEncoder.forward(cat([a, b], 0)).split(1, 0);
            (f1, f2) = (fmaps[0], fmaps[1]);
            var context = raft.ContextEncoder.forward(a).split([c.HiddenDim, c.ContextDim], 1);
            net = tanh(context[0]);
            inp = nn.functional.relu(context[1]);
            long h = f1.shape[2], w = f1.shape[3];
            // A correspondence a few cells off the identity, as after the first iterations.
            coords = RaftModel.CoordsGrid(1, h, w, device) + randn([1, 2, h, w], generator: g).to(device) * 2;
            flow = coords - RaftModel.CoordsGrid(1, h, w, device);
            pyramid = CorrBlock.Pyramid(f1, f2, c.CorrLevels);
            corr = CorrBlock.Lookup(pyramid, coords, c.CorrRadius);
        }
        var phases = new List<Phase>
        {
            Time("feature encoder (fnet), both images", [cat([a, b], 0)], x => raft.FeatureEncoder.forward(x[0]), repeats, device, log),
            Time("context encoder (cnet)", [a], x => raft.ContextEncoder.forward(x[0]), repeats, device, log),
            Time($"correlation pyramid + {iters} lookups", [f1, f2], x =>
            {
                var p = CorrBlock.Pyramid(x[0], x[1], c.CorrLevels);
                var sum = zeros(1, device: device);
                for (int i = 0; i < iters; i++) sum = sum + CorrBlock.Lookup(p, coords, c.CorrRadius).mean();
                return sum;
            }, repeats, device, log),
            Time($"update block × {iters} (mask at the last)", [net, inp, corr], x =>
            {
                var (h, total) = (x[0], zeros(1, device: device));
                for (int i = 0; i < iters; i++)
                {
                    (h, var mask, var delta) = raft.Update.Forward(h, x[1], x[2], flow, withMask: i == iters - 1);
                    total = total + delta.mean() + (mask?.mean() ?? zeros(1, device: device));
                }
                return total;
            }, repeats, device, log),
        };
        foreach (var t in new[] { f1, f2, net, inp, corr, flow, coords }.Concat(pyramid)) t.Dispose();
        return phases;
    }

    /// <summary>One phase: forward alone (no graph), then forward + the gradient of its mean output to <paramref name="inputs"/>.</summary>
    private static Phase Time(string name, Tensor[] inputs, Func<Tensor[], Tensor> phase, int repeats, Device device, Action<string>? log)
    {
        var forward = BenchTimer.Time(name + ": forward", () =>
        {
            using var _ = no_grad();
            phase(inputs);
        }, repeats, device, log);
        var backward = BenchTimer.Time(name + ": forward + backward", () =>
        {
            var leaves = inputs.Select(t => t.detach().requires_grad_(true)).ToArray();
            autograd.grad([phase(leaves).mean()], leaves);
        }, repeats, device, log);
        return new Phase(name, forward.MsPerCall, backward.MsPerCall);
    }
}
