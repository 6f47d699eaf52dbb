using Motive.Models.Flow;
using Motive.Models.Raft;
using Motive.ToyWorld.Scenes;
using Motive.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.ToyWorld.Training;

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
    /// The moving pixels' error is also kept per edit kind (move, scale, rotate), to tell which motions RAFT gets wrong.
    /// </summary>
    public static RaftErrors EndPointErrors(RaftModel raft, int count, int size, int iterations = Iterations)
    {
        using var _ = no_grad();
        var sums = new ErrorSums();
        var device = raft.parameters().First().device;
        foreach (var seeds in HeldOutBatches(count))
        {
            using var scope = NewDisposeScope();
            var (source, target, flow, kinds) = SceneBatches.EditPairs(seeds, size);
            sums.Add(raft.Forward(source.to(device), target.to(device), iterations).FlowUp.cpu(), flow, kinds);
        }
        return sums.Result(count);
    }

    /// <summary>
    /// The floor of <see cref="EndPointErrors"/> for RAFT-small's architecture at input scale <paramref name="inputScale"/>:
    /// the best flow on RAFT's 1/8 grid of the enlarged images that its 8× bilinear upsampling (<see cref="RaftModel.UpFlow8"/>)
    /// then <see cref="RaftInputScale.Shrink"/> can turn into, fitted to the exact flow of each held-out pair by RAFT's
    /// own objective (L1 over all pixels; convex, so Adam from the block means gets close to its optimum), then scored
    /// the same way: what a RAFT-small that met its objective perfectly would score here.
    /// </summary>
    public static RaftErrors UpsamplingFloor(int count, int size, int inputScale = 1, int steps = 400)
    {
        int s = RaftInputScale.Check(inputScale, "the input scale");
        var sums = new ErrorSums();
        Tensor Upsampled(Tensor coarse) => RaftInputScale.Shrink(RaftModel.UpFlow8(coarse), s);
        foreach (var seeds in HeldOutBatches(count))
        {
            using var scope = NewDisposeScope();
            var (_, _, flow, kinds) = SceneBatches.EditPairs(seeds, size);
            // RAFT's grid in the enlarged images' pixels: a cell spans 8/s scene pixels, and the flow is s× longer.
            var coarse = new TorchSharp.Modules.Parameter(nn.functional.avg_pool2d(flow, 8 / s) * s / 8);
            using var adam = optim.Adam([coarse], lr: 0.05);
            for (int i = 0; i < steps; i++)
            {
                using var step = NewDisposeScope();
                adam.zero_grad();
                (Upsampled(coarse) - flow).abs().mean().backward();
                adam.step();
            }
            using (no_grad()) sums.Add(Upsampled(coarse), flow, kinds);
        }
        return sums.Result(count);
    }

    /// <summary>The scene seeds of the first <paramref name="count"/> held-out edit pairs, 8 at a time.</summary>
    private static IEnumerable<int[]> HeldOutBatches(int count)
    {
        for (int start = 0; start < count; start += 8)
            yield return Enumerable.Range(start, Math.Min(8, count - start)).Select(HeldOut.SceneSeed).ToArray();
    }

    /// <summary>Running sums of <see cref="RaftErrors"/> over batches of estimates against exact flows.</summary>
    private sealed class ErrorSums
    {
        private double all, moving, interior;
        private long movingCount, interiorCount;
        private readonly Dictionary<EditKind, (double Sum, long Count)> byKind = [];

        public void Add(Tensor estimate, Tensor flow, EditKind[] kinds)
        {
            using var scope = NewDisposeScope();
            var epe = FlowOps.EndPointError(estimate, flow);
            all += epe.mean(dimensions: [1, 2]).sum().item<float>();
            var isMoving = flow.square().sum(dim: 1).gt(0);
            moving += epe.masked_select(isMoving).sum().item<float>();
            movingCount += isMoving.sum().item<long>();
            var isInterior = isMoving.logical_and(FlowOps.NearMotionEdge(flow, EdgeBand).logical_not());
            interior += epe.masked_select(isInterior).sum().item<float>();
            interiorCount += isInterior.sum().item<long>();
            for (int i = 0; i < kinds.Length; i++)
            {
                var (sum, count) = byKind.GetValueOrDefault(kinds[i]);
                byKind[kinds[i]] = (sum + epe[i].masked_select(isMoving[i]).sum().item<float>(), count + isMoving[i].sum().item<long>());
            }
        }

        public RaftErrors Result(int pairs) =>
            new(all / pairs, Mean(moving, movingCount), Mean(interior, interiorCount),
                byKind.OrderBy(k => k.Key).ToDictionary(k => k.Key, k => Mean(k.Value.Sum, k.Value.Count)));

        private static double Mean(double sum, long count) => count == 0 ? double.NaN : sum / count;
    }

    /// <summary>How far (px) from a motion edge a moving pixel counts as an object's interior in <see cref="EndPointErrors"/>.</summary>
    public const int EdgeBand = 4;

    /// <summary>The mean end-point error over all pixels (see <see cref="EndPointErrors"/>).</summary>
    public static double EndPointError(RaftModel raft, int count, int size, int iterations = Iterations) => EndPointErrors(raft, count, size, iterations).All;

    /// <summary>
    /// Mean end-point errors (px): over all pixels, over the moving ones, over the moving ones away from motion edges,
    /// and over the moving ones of each edit kind's pairs.
    /// </summary>
    public sealed record RaftErrors(double All, double Moving, double MovingInterior, IReadOnlyDictionary<EditKind, double> MovingByKind);

    /// <summary>The RAFT at <paramref name="path"/>, or a freshly initialised RAFT-small (seeded) when there is none yet.</summary>
    public static RaftModel LoadOrCreate(string path, long seed)
    {
        if (File.Exists(path)) return RaftLoader.Load(path, small: true);
        manual_seed(seed);
        return new RaftModel(RaftConfig.SmallModel);
    }

    /// <summary>Where the training of the RAFT at <paramref name="path"/> keeps its state: training/raft beside it.</summary>
    public static string StateDir(string path) => ToyModelFolder.TrainingDir(Path.GetDirectoryName(Path.GetFullPath(path))!, "raft");

    /// <summary>
    /// Trains the toy RAFT at <paramref name="path"/> (state beside it, in training/raft) at <paramref name="inputScale"/>
    /// (null: the checkpoint's own, 1 for a new one), which the written checkpoint records; <paramref name="turnShare"/>
    /// of the pairs are made turns (see <see cref="SceneBatches.EditPairs"/>).
    /// </summary>
    public static IReadOnlyList<double> Train(string path, TrainOptions o, int size, int? inputScale = null, double turnShare = 0,
        Action<int, int, double>? onStep = null, CancellationToken cancel = default)
    {
        var stateDir = StateDir(path);
        // The loop loads the full-precision weights of a resumed run; without them (a fresh clone) it goes on from the shipped ones.
        bool full = TrainState.Load(stateDir).Step > 0 && File.Exists(Path.Combine(stateDir, "weights.safetensors"));
        using var raft = full ? new RaftModel(RaftConfig.SmallModel) : LoadOrCreate(path, o.Seed);
        raft.InputScale = inputScale ?? CheckpointInputScale(path);
        var device = torch.device(o.Device);
        return TrainLoop.Run(raft, (_, g) =>
        {
            var (source, target, flow, _) = SceneBatches.EditPairs(SceneBatches.Seeds(g, o.Batch), size, shift: true, turnShare);
            return Loss(raft, source.to(device), target.to(device), flow.to(device));
        }, o, stateDir, m => ModuleWeights.Save(path, m, "module.", metadata: RaftLoader.Metadata(raft)), onStep, cancel);
    }

    /// <summary>The input scale the checkpoint at <paramref name="path"/> records (1 when there is none yet).</summary>
    private static int CheckpointInputScale(string path)
    {
        if (!File.Exists(path)) return 1;
        using var sd = Motive.IO.StateDicts.StateDict.Open(path);
        return RaftLoader.InputScale(path, sd.Metadata);
    }
}
