using Motive.Guidance.Sampler;
using Motive.Models.Flow;
using Motive.Models.Raft;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>Motion Guidance's settings (generate.py defaults: colour 100, flow 3, occlusion masking on, 5 RAFT iterations).</summary>
public sealed record MotionEnergyOptions(double ColorWeight = 100, double FlowWeight = 3, bool OcclusionMasking = true,
    bool OracleFlow = false, int RaftIterations = 5, bool RaftTrainMode = true);

/// <summary>
/// The Motion Guidance energy (losses.py FlowLoss, doc §3): RAFT(source, pred) should equal the target flow, and the
/// prediction warped back by that flow should look like the source outside occluded pixels. Images enter in
/// [-1,1] (the decoder's range, unclamped); the flow is estimated from source to prediction.
/// </summary>
public sealed class MotionEnergy : IEnergy, IDisposable
{
    private readonly RaftModel raft;
    private readonly Tensor source01, targetFlow;
    private readonly Tensor? occlusionMask;
    private readonly bool raftWasTraining;
    private readonly List<(Tensor Buffer, Tensor Saved)> raftBuffers;

    /// <summary>source (1,3,H,W) in [-1,1]; targetFlow (1,2,H,W) in pixels on the source grid. Switches RAFT to
    /// <see cref="MotionEnergyOptions.RaftTrainMode"/> until disposed, then back, running statistics too (a shared RAFT is left as found).</summary>
    public MotionEnergy(RaftModel raft, Tensor source, Tensor targetFlow, MotionEnergyOptions? options = null)
    {
        Options = options ?? new MotionEnergyOptions();
        if (source.dim() != 4 || source.shape[1] != 3) throw new ArgumentException($"source must be (1,3,H,W), got [{string.Join(",", source.shape)}]");
        if (targetFlow.dim() != 4 || targetFlow.shape[1] != 2 || targetFlow.shape[2] != source.shape[2] || targetFlow.shape[3] != source.shape[3])
            throw new ArgumentException($"target flow must be (1,2,{source.shape[2]},{source.shape[3]}) like the image, got [{string.Join(",", targetFlow.shape)}]");
        this.raft = raft;
        raftWasTraining = raft.training;
        // Train-mode BatchNorm also updates its running statistics; they do not change train-mode outputs, but a
        // shared RAFT used later in eval mode would see them, so they are put back when the energy is disposed.
        raftBuffers = raft.named_buffers().Select(b => (b.buffer, b.buffer.detach().clone().DetachFromDisposeScope())).ToList();
        // The reference never calls .eval() on RAFT: the context encoder's BatchNorm uses the image's own statistics.
        raft.train(Options.RaftTrainMode);
        source01 = (source.detach().to(float32) / 2 + 0.5).DetachFromDisposeScope();
        this.targetFlow = targetFlow.detach().to(float32).clone().DetachFromDisposeScope();
        occlusionMask = Options.OcclusionMasking ? FlowOps.OcclusionMask(this.targetFlow).DetachFromDisposeScope() : null;
    }

    public string Name => "motion";
    public bool NeedsDecodedImage => true;
    public MotionEnergyOptions Options { get; }

    /// <summary>The occlusion mask used by the colour loss (1 = counted), or null without occlusion masking.</summary>
    public Tensor? OcclusionMask => occlusionMask;

    public EnergyValue Evaluate(EnergyInputs inputs) => Evaluate(inputs.Decoded ?? throw new ArgumentException("the motion energy needs the decoded image"));

    /// <summary>The energy of a prediction (1,3,H,W) in [-1,1].</summary>
    public EnergyValue Evaluate(Tensor pred)
    {
        // Losses in float32 at least (float64 stays float64, for exactness checks), whatever the decoder ran in.
        var type = pred.dtype == float64 ? float64 : float32;
        var pred01 = pred.to(type) / 2 + 0.5;
        var source = source01.to(type);
        var (_, estimated) = raft.Forward(source * 255, pred01 * 255, Options.RaftIterations);
        var flowLoss = MotionLosses.FlowLoss(targetFlow, estimated);
        var colorLoss = MotionLosses.ColorLoss(source, pred01, Options.OracleFlow ? targetFlow.to(type) : estimated, occlusionMask);
        var energy = MotionLosses.Energy(flowLoss, colorLoss, Options.FlowWeight, Options.ColorWeight);
        return new EnergyValue(energy,
            new Dictionary<string, Tensor> { ["flow_loss"] = flowLoss.detach(), ["color_loss"] = colorLoss.detach() },
            new Dictionary<string, Tensor> { ["flow"] = estimated.detach() });
    }

    public void Dispose()
    {
        raft.train(raftWasTraining);
        using (no_grad())
            foreach (var (buffer, saved) in raftBuffers)
            {
                buffer.copy_(saved);
                saved.Dispose();
            }
        raftBuffers.Clear();
        source01.Dispose();
        targetFlow.Dispose();
        occlusionMask?.Dispose();
    }
}
