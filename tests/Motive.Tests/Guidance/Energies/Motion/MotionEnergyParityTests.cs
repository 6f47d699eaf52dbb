using Motive.Methods.MotionGuidance;
using Motive.Models.Raft;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Guidance;

/// <summary>The Motion Guidance energy against losses.py (fixture motion_energy: colour 100, flow 1, train-mode RAFT).</summary>
[Trait(Tier.Category, Tier.Parity)]
public class MotionEnergyParityTests
{
    [Fact]
    public void LossMaskAndGradient_MatchTheReference()
    {
        using var raft = RaftLoader.Load(Fixtures.Parity("raft_large_random_fp16.pth"));
        using var p = new Parity("motion_energy.safetensors");
        using var scope = torch.NewDisposeScope();
        var options = new MotionEnergyOptions(ColorWeight: 100, FlowWeight: 1);
        using var energy = new MotionEnergy(raft, p["source"], p["target_flow"], options);
        Assert.True(TensorAssert.BitEqual(p["mask_occ"], energy.OcclusionMask!), "occlusion mask");

        var pred = p["pred"].requires_grad_();
        var value = energy.Evaluate(pred);
        Parity.Close(p["loss"], value.Value.reshape(1), 1e-4, 1e-3, "loss");
        Assert.Equal(double.Parse(p.Metadata["flow_loss"]), value.Terms["flow_loss"].item<float>(), 1e-3);
        Assert.Equal(double.Parse(p.Metadata["color_loss"]), value.Terms["color_loss"].item<float>(), 1e-4);
        var grad = torch.autograd.grad([value.Value], [pred])[0];
        var expected = p["grad_pred"].to(torch.float64);
        double error = (grad.to(torch.float64) - expected).norm().item<double>() / expected.norm().item<double>();
        Assert.True(error < 1e-3, $"grad_pred: relative L2 error {error:g3}");

        using var plain = new MotionEnergy(raft, p["source"], p["target_flow"], options with { OcclusionMasking = false });
        using var _ = torch.no_grad();
        Parity.Close(p["loss_no_occ"], plain.Evaluate(p["pred"]).Value.reshape(1), 1e-4, 1e-3, "loss without occlusion masking");
    }
}
