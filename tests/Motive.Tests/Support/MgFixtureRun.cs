using Motive.Methods.MotionGuidance;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.Sampling.Pipelines;
using TorchSharp;

namespace Motive.Tests.Support;

/// <summary>The mg_sampler fixture's model, RAFT, inputs and text conditioning, ready for a guided run.</summary>
public sealed class MgFixtureRun : IDisposable
{
    public MgFixtureRun(double cfg = 7.5)
    {
        Model = StableDiffusionModel.Load(Fixtures.Parity("tiny-sd"));
        Raft = RaftLoader.Load(Fixtures.Parity("raft_large_random_fp16.pth"));
        Parity = new Parity("mg_sampler.safetensors");
        Inputs = new MotionGuidanceInputs(Parity["source"], Parity["target_flow"], Parity["edit_mask_keep"].to(torch.@bool), Parity["start_zt"], Parity["cached_latents"]);
        Cond = new Conditioning(Parity["cond"], Parity["uncond"], cfg);
    }

    public StableDiffusionModel Model { get; }
    public RaftModel Raft { get; }
    public Parity Parity { get; }
    public MotionGuidanceInputs Inputs { get; }
    public Conditioning Cond { get; }

    public void Dispose()
    {
        Cond.Dispose();
        Parity.Dispose();
        Raft.Dispose();
        Model.Dispose();
    }
}
