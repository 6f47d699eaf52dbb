using Motive.Guidance.Sampler;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.Sampling.Pipelines;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// The outcome of an edit: the image (1,3,H,W) in [0,1] on the CPU, the final latent, the flow RAFT finds from the
/// source to the result (2,H,W) as the energy measures it, and the energy's last flow and colour losses.
/// </summary>
public sealed record MotionGuidanceResult(Tensor Image, Tensor Latent, Tensor AchievedFlow, double FlowLoss, double ColorLoss) : IDisposable
{
    public void Dispose()
    {
        Image.Dispose();
        Latent.Dispose();
        AchievedFlow.Dispose();
    }
}

/// <summary>One Motion Guidance edit from a prompt, prepared inputs and a seed (the recursion noise).</summary>
public static class MotionGuidanceEdit
{
    public static MotionGuidanceResult Run(StableDiffusionModel model, RaftModel raft, string prompt, MotionGuidanceInputs inputs,
        MotionGuidanceSettings settings, long seed, GuidanceTrace trace, Action<GuidedEvaluation>? onEvaluation = null,
        Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        using var cond = new Conditioning(model, prompt, "", settings.Cfg);
        using var noise = new SeededNoise(seed);
        var latent = MotionGuidanceRun.Run(model, raft, cond, inputs, settings, noise, trace, onEvaluation, onStep, cancel);
        try
        {
            var image = Latents.Decode(model, latent);
            var (flow, flowLoss, colorLoss) = Measure(raft, inputs.Source, image, inputs.TargetFlow, settings);
            return new MotionGuidanceResult(image, latent.to(CPU), flow, flowLoss, colorLoss);
        }
        finally
        {
            latent.Dispose();
        }
    }

    /// <summary>
    /// RAFT(source, image) with the energy's settings (what guidance steered; the reference's flow_viz shows the
    /// same), and the flow and colour losses of that image. image: (1,3,H,W) in [0,1].
    /// </summary>
    public static (Tensor Flow, double FlowLoss, double ColorLoss) Measure(RaftModel raft, Tensor source, Tensor image, Tensor targetFlow, MotionGuidanceSettings settings)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var device = raft.parameters().First().device;
        var target = targetFlow.dim() == 3 ? targetFlow.unsqueeze(0) : targetFlow;
        using var energy = new MotionEnergy(raft, source.to(device), target.to(device), settings.EnergyOptions);
        var value = energy.Evaluate((image.to(device) * 2 - 1).to(float32));
        var flow = value.Artifacts!["flow"][0].cpu().MoveToOuterDisposeScope();
        return (flow, value.Terms["flow_loss"].item<float>(), value.Terms["color_loss"].item<float>());
    }
}
