using Motive.Models.Flow;
using Motive.Models.Raft;
using Motive.Scenes;
using Motive.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Training.Toy;

/// <summary>
/// The toy RAFT: RAFT-small (princeton layout, keys under <c>module.</c> as the published checkpoints) trained on toy
/// edit pairs with their exact flow, with RAFT's own objective: the L1 flow error of every iteration's upsampled
/// estimate, weighted by γ^(N−i−1) with γ = 0.8, gradient norm clipped at 1 (6 iterations, not 12: see <see cref="Iterations"/>);
/// half the pairs also pan the whole scene (see <see cref="SceneBatches.EditPairs"/>).
/// </summary>
public static class RaftTraining
{
    public const double Gamma = 0.8;
    public const int Iterations = 6;   // RAFT trains with 12; Motion Guidance runs 5, and the CPU budget pays per iteration

    public static Tensor Loss(RaftModel raft, Tensor source, Tensor target, Tensor flow, int iterations = Iterations)
    {
        var estimates = new List<Tensor>();
        raft.Forward(source, target, iterations, everyIteration: estimates);
        var loss = zeros(1, device: source.device);
        for (int i = 0; i < estimates.Count; i++)
            loss = loss + Math.Pow(Gamma, estimates.Count - i - 1) * (estimates[i] - flow).abs().mean();
        return loss.squeeze();
    }

    /// <summary>
    /// End-point error (px) of RAFT's final estimate on <paramref name="count"/> held-out edit pairs: the mean over all
    /// pixels, over the pixels that move (where Motion Guidance needs RAFT to be right; most pixels stay put), and over
    /// those of them more than <see cref="EdgeBand"/> px from a motion edge (<see cref="FlowOps.NearMotionEdge"/>), which
    /// separates the interior of a moved object from its outline, where RAFT-small's 8× bilinear upsampling blurs the flow.
    /// </summary>
    public static RaftErrors EndPointErrors(RaftModel raft, int count, int size, int iterations = Iterations)
    {
        using var _ = no_grad();
        double sum = 0, movingSum = 0, interiorSum = 0;
        long movingCount = 0, interiorCount = 0;
        for (int start = 0; start < count; start += 8)
        {
            using var scope = NewDisposeScope();
            var seeds = Enumerable.Range(start, Math.Min(8, count - start)).Select(HeldOut.SceneSeed).ToArray();
            var (source, target, flow) = SceneBatches.EditPairs(seeds, size);
            var device = raft.parameters().First().device;
            var (_, up) = raft.Forward(source.to(device), target.to(device), iterations);
            var epe = FlowOps.EndPointError(up.cpu(), flow);
            sum += epe.mean(dimensions: [1, 2]).sum().item<float>();
            var moving = flow.square().sum(dim: 1).gt(0);
            movingSum += epe.masked_select(moving).sum().item<float>();
            movingCount += moving.sum().item<long>();
            var interior = moving.logical_and(FlowOps.NearMotionEdge(flow, EdgeBand).logical_not());
            interiorSum += epe.masked_select(interior).sum().item<float>();
            interiorCount += interior.sum().item<long>();
        }
        return new RaftErrors(sum / count, movingCount == 0 ? double.NaN : movingSum / movingCount,
            interiorCount == 0 ? double.NaN : interiorSum / interiorCount);
    }

    /// <summary>How far (px) from a motion edge a moving pixel counts as an object's interior in <see cref="EndPointErrors"/>.</summary>
    public const int EdgeBand = 4;

    /// <summary>The mean end-point error over all pixels (see <see cref="EndPointErrors"/>).</summary>
    public static double EndPointError(RaftModel raft, int count, int size, int iterations = Iterations) => EndPointErrors(raft, count, size, iterations).All;

    /// <summary>Mean end-point errors (px): over all pixels, over the moving ones, over the moving ones away from motion edges.</summary>
    public sealed record RaftErrors(double All, double Moving, double MovingInterior);

    /// <summary>The RAFT at <paramref name="path"/>, or a freshly initialised RAFT-small (seeded) when there is none yet.</summary>
    public static RaftModel LoadOrCreate(string path, long seed)
    {
        if (File.Exists(path)) return RaftLoader.Load(path, small: true);
        manual_seed(seed);
        return new RaftModel(RaftConfig.SmallModel);
    }

    /// <summary>Where the training of the RAFT at <paramref name="path"/> keeps its state: training/raft beside it.</summary>
    public static string StateDir(string path) => ToyModelFolder.TrainingDir(Path.GetDirectoryName(Path.GetFullPath(path))!, "raft");

    /// <summary>Trains the toy RAFT at <paramref name="path"/> (state beside it, in training/raft).</summary>
    public static IReadOnlyList<double> Train(string path, TrainOptions o, int size, Action<int, int, double>? onStep = null, CancellationToken cancel = default)
    {
        var stateDir = StateDir(path);
        // The loop loads the full-precision weights of a resumed run; without them (a fresh clone) it goes on from the shipped ones.
        bool full = TrainState.Load(stateDir).Step > 0 && File.Exists(Path.Combine(stateDir, "weights.safetensors"));
        using var raft = full ? new RaftModel(RaftConfig.SmallModel) : LoadOrCreate(path, o.Seed);
        var device = torch.device(o.Device);
        return TrainLoop.Run(raft, (_, g) =>
        {
            var (source, target, flow) = SceneBatches.EditPairs(SceneBatches.Seeds(g, o.Batch), size, shift: true);
            return Loss(raft, source.to(device), target.to(device), flow.to(device));
        }, o, stateDir, m => ToyModelFolder.SaveWeights(path, m, "module."), onStep, cancel);
    }
}
