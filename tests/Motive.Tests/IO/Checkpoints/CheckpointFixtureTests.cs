using Motive.IO.StateDicts;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.IO;

[Trait(Tier.Category, Tier.Unit)]
public class CheckpointFixtureTests
{
    [Fact]
    public void TinySdCkpt_EqualsSafetensors_EveryTensorBitForBit()
    {
        using var ckpt = StateDict.Open(Fixtures.Parity("tiny-sd-single.ckpt"));
        using var st = StateDict.Open(Fixtures.Parity("tiny-sd-single.safetensors"));
        Assert.Equal("torch-zip", ckpt.Format);
        Assert.Equal("safetensors", st.Format);
        Assert.Equal(st.Keys.OrderBy(k => k, StringComparer.Ordinal), ckpt.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Contains(st.Keys, k => k.StartsWith("model.diffusion_model.", StringComparison.Ordinal));
        Assert.Contains(st.Keys, k => k.StartsWith("first_stage_model.", StringComparison.Ordinal));
        Assert.Contains(st.Keys, k => k.StartsWith("cond_stage_model.transformer.", StringComparison.Ordinal));
        Assert.Equal("1", ckpt.Metadata["global_step"]);
        AssertSameTensors(st, ckpt);
    }

    [Fact]
    public void RaftSmall_ZipAndLegacy_LoadIdentically()
    {
        using var zip = StateDict.Open(Fixtures.Parity("raft_small_random.pth"));
        using var legacy = StateDict.Open(Fixtures.Parity("raft_small_random_legacy.pth"));
        Assert.Equal("torch-zip", zip.Format);
        Assert.Equal("torch-legacy", legacy.Format);
        Assert.Equal(zip.Keys, legacy.Keys);
        Assert.True(zip.Count > 50);
        AssertSameTensors(zip, legacy);
    }

    /// <summary>Every tensor of <paramref name="expected"/> is in <paramref name="actual"/> with the same dtype, shape and bits.</summary>
    static void AssertSameTensors(StateDict expected, StateDict actual)
    {
        foreach (var name in expected.Keys)
        {
            Assert.Equal(expected[name].DType, actual[name].DType);
            Assert.Equal(expected[name].Shape, actual[name].Shape);
            using var a = expected.Load(name);
            using var b = actual.Load(name);
            Assert.True(TensorAssert.BitEqual(a, b), $"tensor {name} differs");
        }
    }

    [Fact]
    public void RaftLarge_Fp16_LoadsWithModulePrefix()
    {
        using var sd = StateDict.Open(Fixtures.Parity("raft_large_random_fp16.pth"));
        Assert.All(sd.Keys, k => Assert.StartsWith("module.", k));
        Assert.Contains("module.fnet.conv1.weight", sd.Keys);
        Assert.Contains("module.update_block.mask.2.weight", sd.Keys);
        var w = sd["module.fnet.conv1.weight"];
        Assert.Equal(Motive.IO.Tensors.DType.F16, w.DType);
        Assert.Equal(new long[] { 64, 3, 7, 7 }, w.Shape);
        using var t = sd.Load("module.fnet.conv1.weight", torch.float32);
        Assert.Equal(torch.float32, t.dtype);
        Assert.True(t.abs().sum().item<float>() > 0);
    }
}
