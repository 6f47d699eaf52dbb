using Motive.Cli;
using Motive.IO.Flows;
using Motive.IO.Safetensors;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Cli;

[Trait(Tier.Category, Tier.Parity)]
public class EnergyCommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void EnergyMotion_WritesTheReferenceLossGradientAndMask()
    {
        using var dir = new TempDir();
        using var p = new Parity("motion_energy.safetensors");
        string source = dir.File("source.safetensors"), pred = dir.File("pred.safetensors"), flow = dir.File("target.flo"), output = dir.File("energy.safetensors");
        SafetensorsWriter.Write(source, [new("image", p["source"])]);
        SafetensorsWriter.Write(pred, [new("image", p["pred"])]);
        FlowFile.Write(flow, p["target_flow"][0]);

        var (code, o, e) = Run("energy", "motion", "--raft", Fixtures.Parity("raft_large_random_fp16.pth"), "--source", source, "--pred", pred,
            "--target-flow", flow, "--flow-weight", "1", "--out", output);
        Assert.True(code == 0, e);
        Assert.Contains("energy ", o);
        using var r = SafetensorsFile.Open(output);
        Parity.Close(p["loss"], r.Require("loss").Load(), 1e-4, 1e-3, "loss");
        Assert.True(TensorAssert.BitEqual(p["mask_occ"], r.Require("mask_occ").Load()), "mask_occ");
        using var expected = p["grad_pred"].to(torch.float64);
        using var grad = r.Require("grad_pred").Load().to(torch.float64);
        Assert.True((grad - expected).norm().item<double>() / expected.norm().item<double>() < 1e-3, "grad_pred");

        (code, _, _) = Run("energy", "motion", "--raft", Fixtures.Parity("raft_large_random_fp16.pth"), "--source", source, "--pred", pred,
            "--target-flow", flow, "--flow-weight", "1", "--no-occlusion-masking", "--out", output);
        Assert.Equal(0, code);
        using var r2 = SafetensorsFile.Open(output);
        Parity.Close(p["loss_no_occ"], r2.Require("loss").Load(), 1e-4, 1e-3, "loss without occlusion masking");
    }

    [Fact]
    public void EnergyMotion_FlowOfTheWrongSize_IsOneClearLine()
    {
        using var dir = new TempDir();
        using var p = new Parity("motion_energy.safetensors");
        string source = dir.File("source.safetensors"), flow = dir.File("small.flo");
        SafetensorsWriter.Write(source, [new("image", p["source"])]);
        FlowFile.Write(flow, torch.zeros(2, 64, 64));
        var (code, _, e) = Run("energy", "motion", "--raft", Fixtures.Parity("raft_large_random_fp16.pth"), "--source", source, "--pred", source,
            "--target-flow", flow, "--out", dir.File("x.safetensors"));
        Assert.Equal(CliApp.BadInput, code);
        Assert.Contains("small.flo", e);
        Assert.Contains("64x64", e);
        Assert.Single(e.Trim().Split('\n'));
    }
}
