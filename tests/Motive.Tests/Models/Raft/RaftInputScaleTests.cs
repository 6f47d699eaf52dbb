using Motive.IO;
using Motive.IO.Safetensors;
using Motive.Models.Raft;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Models;

/// <summary>RAFT on enlarged images (<see cref="RaftModel.InputScale"/>): the resampling, the wiring of Forward, the checkpoint metadata.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class RaftInputScaleTests
{
    [Fact]
    public void Shrink_TurnsAFlowOfTheEnlargedImagesIntoTheImagesPixels()
    {
        // Every enlarged pixel of a (3, -1.5) px motion moves (6, -3) enlarged pixels.
        using var enlarged = torch.stack([torch.full(1, 32, 32, 6f), torch.full(1, 32, 32, -3f)], 1);
        using var back = RaftInputScale.Shrink(enlarged, 2);
        Assert.Equal(new long[] { 1, 2, 16, 16 }, back.shape);
        Assert.Equal(3f, back[0, 0].min().item<float>(), 5);
        Assert.Equal(-1.5f, back[0, 1].max().item<float>(), 5);
        using var image = torch.full(1, 3, 16, 16, 100f);
        using var big = RaftInputScale.Enlarge(image, 2);
        Assert.Equal(new long[] { 1, 3, 32, 32 }, big.shape);
        Assert.Equal(100f, big.max().item<float>(), 3);
        Assert.Equal(100f, big.min().item<float>(), 3);
    }

    /// <summary>At scale 2, RAFT runs on the enlarged pair and answers at the pair's size, in its pixels; 64² then fits its pyramid.</summary>
    [Fact]
    public void Forward_AtScale2_IsTheFlowOfTheEnlargedPairShrunkBack()
    {
        using var raft = RaftLoader.Load(Fixtures.Parity("raft_small_random.pth"));
        using var _ = torch.no_grad();
        torch.manual_seed(5);
        using var a = torch.rand(1, 3, 64, 64) * 255;
        using var b = torch.roll(a, 3, 3);
        Assert.Throws<ArgumentException>(() => raft.Forward(a, b, 2));
        var (bigLow, bigUp) = raft.Forward(RaftInputScale.Enlarge(a, 2), RaftInputScale.Enlarge(b, 2), 2);
        raft.InputScale = 2;
        Assert.Equal(64, raft.MinimumSide);
        var every = new List<torch.Tensor>();
        var (low, up) = raft.Forward(a, b, 2, everyIteration: every);
        Assert.Equal(new long[] { 1, 2, 64, 64 }, up.shape);
        Assert.Equal(new long[] { 1, 2, 16, 16 }, low.shape);
        Assert.True(TensorAssert.BitEqual(RaftInputScale.Shrink(bigUp, 2), up));
        Assert.True(TensorAssert.BitEqual(bigLow / 2, low));
        Assert.Equal(2, every.Count);
        Assert.True(TensorAssert.BitEqual(every[^1], up));
    }

    [Fact]
    public void Checkpoint_CarriesTheScale_AndABadOneIsAClearError()
    {
        using var dir = new TempDir();
        using var raft = RaftLoader.Load(Fixtures.Parity("raft_small_random.pth"));
        Assert.Equal(1, raft.InputScale);
        Assert.Empty(RaftLoader.Metadata(raft));
        raft.InputScale = 2;
        var tensors = raft.state_dict().Select(kv => KeyValuePair.Create("module." + kv.Key, kv.Value)).ToList();
        var good = dir.File("scaled.safetensors");
        SafetensorsWriter.Write(good, tensors, RaftLoader.Metadata(raft));
        using (var loaded = RaftLoader.Load(good)) Assert.Equal(2, loaded.InputScale);

        var bad = dir.File("bad.safetensors");
        SafetensorsWriter.Write(bad, tensors, new Dictionary<string, string> { [RaftInputScale.MetadataKey] = "3" });
        var e = Assert.Throws<MotiveFormatException>(() => RaftLoader.Load(bad));
        Assert.Contains("bad.safetensors", e.Message);
        Assert.Contains(RaftInputScale.MetadataKey, e.Message);
        Assert.Throws<ArgumentException>(() => raft.InputScale = 3);
    }
}
