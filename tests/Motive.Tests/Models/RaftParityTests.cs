using Motive.Models.Raft;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Models;

/// <summary>
/// RAFT-large against the reference (princeton RAFT, eval mode). Not yet here, see issue 5's notes: RAFT-small's
/// flows differ by ~8 % and RAFT-large's image gradients by ~37 % (L2) from the fixtures, causes not found yet.
/// </summary>
public class RaftParityTests
{
    [Fact]
    public void RaftLarge_FlowsAt5And12Iterations_MatchTheReference()
    {
        using var raft = RaftLoader.Load(Fixtures.Parity("raft_large_random_fp16.pth"));
        Assert.False(raft.Config.Small);
        using var p = new Parity("raft_large_io.safetensors");
        using var _ = torch.no_grad();
        foreach (var iters in new[] { 5, 12 })
        {
            using var scope = torch.NewDisposeScope();
            var (low, up) = raft.Forward(p["image1"], p["image2"], iters);
            Parity.Close(p[$"flow_low_iters{iters}"], low, 1e-3, 1e-3, $"flow_low at {iters} iterations");
            Parity.Close(p[$"flow_up_iters{iters}"], up, 1e-3, 1e-3, $"flow_up at {iters} iterations");
        }
    }

    [Fact]
    public void Loader_TellsSmallFromLarge_AndRefusesOtherFiles()
    {
        using var small = RaftLoader.Load(Fixtures.Parity("raft_small_random_legacy.pth"));
        Assert.True(small.Config.Small);
        var e = Assert.Throws<Motive.IO.MotiveFormatException>(() => RaftLoader.Load(Fixtures.Parity("raft_large_random_fp16.pth"), small: true));
        Assert.Contains("not RAFT-small", e.Message);
        Assert.Throws<Motive.IO.MotiveFormatException>(() => RaftLoader.Load(Fixtures.Parity("tiny-sd-single.ckpt")));
    }

    [Fact]
    public void Padding_ReplicatesToMultiplesOf8_AndUnpadRestoresTheSize()
    {
        var pad = new RaftPadding(122, 157);
        using var img = torch.rand(1, 3, 122, 157);
        using var padded = pad.Pad(img);
        Assert.Equal(new long[] { 1, 3, 128, 160 }, padded.shape);
        using var back = pad.Unpad(padded);
        Assert.True(TensorAssert.BitEqual(img.contiguous(), back.contiguous()));
    }

    [Fact]
    public void TooSmallInput_IsAClearError()
    {
        using var raft = RaftLoader.Load(Fixtures.Parity("raft_small_random.pth"));
        using var img = torch.zeros(1, 3, 64, 64);
        var e = Assert.Throws<ArgumentException>(() => raft.Forward(img, img, 1));
        Assert.Contains("too small", e.Message);
    }
}
