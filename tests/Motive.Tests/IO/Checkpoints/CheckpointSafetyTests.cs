using Motive.IO;
using Motive.IO.Pickle;
using Motive.IO.StateDicts;
using Motive.Tests.Support;

namespace Motive.Tests.IO;

/// <summary>Loading a checkpoint never runs anything from it (DEVELOPERS.md, "Rules of the house").</summary>
[Trait(Tier.Category, Tier.Unit)]
public class CheckpointSafetyTests
{
    [Fact]
    public void OsSystemBesideStateDict_IsNotRun_AndWeightsStillLoad()
    {
        using var dir = new TempDir();
        var marker = dir.File("pwned");
        var p = new PickleWriter().EmptyDict()
            .String("state_dict").EmptyDict().String("w").Tensor("0", 3).SetItem().SetItem()
            .String("callbacks").OsSystem($"touch {marker}").SetItem()
            .String("trainer").Global("pytorch_lightning.callbacks.model_checkpoint", "ModelCheckpoint").EmptyTuple().Reduce().SetItem();
        var ckpt = dir.File("evil.ckpt");
        CheckpointBuilder.WriteZip(ckpt, p.Stop(), new Dictionary<string, byte[]> { ["0"] = CheckpointBuilder.Floats(1, 2, 3) });

        using var sd = StateDict.Open(ckpt);
        using var w = sd.Load("w");
        Assert.Equal(new[] { 1f, 2f, 3f }, w.data<float>().ToArray());
        Assert.Single(sd.Keys);
        Assert.False(File.Exists(marker), "the pickle's os.system payload ran");
    }

    [Fact]
    public void OsSystemInsideStateDict_IsRefused()
    {
        using var dir = new TempDir();
        var marker = dir.File("pwned");
        var p = new PickleWriter().EmptyDict()
            .String("w").Tensor("0", 3).SetItem()
            .String("evil").OsSystem($"touch {marker}").SetItem();
        var ckpt = dir.File("evil.pth");
        CheckpointBuilder.WriteZip(ckpt, p.Stop(), new Dictionary<string, byte[]> { ["0"] = CheckpointBuilder.Floats(1, 2, 3) });

        var e = Assert.Throws<CheckpointRefusedException>(() => StateDict.Open(ckpt));
        Assert.Contains("os.system", e.Message);
        Assert.Contains("evil", e.Message);
        Assert.StartsWith(ckpt, e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void CallHiddenInTensorRebuildArguments_IsRefused()
    {
        using var dir = new TempDir();
        // _rebuild_tensor_v2(os.system(...), 0, (3,), (1,), False, OrderedDict())
        var p = new PickleWriter().EmptyDict().String("w")
            .Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .OsSystem("echo hi").Int(0).Ints([3]).Ints([1]).False()
            .Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce().SetItem();
        var ckpt = dir.File("hidden.pth");
        CheckpointBuilder.WriteZip(ckpt, p.Stop(), new Dictionary<string, byte[]>());
        var e = Assert.Throws<CheckpointRefusedException>(() => StateDict.Open(ckpt));
        Assert.Contains("os.system", e.Message);
    }

    [Fact]
    public void TensorViewOutsideItsStorage_IsACorruptFile()
    {
        using var dir = new TempDir();
        var p = new PickleWriter().EmptyDict().String("w").Tensor("0", 5).SetItem(); // 5 elements declared
        var ckpt = dir.File("short.pth");
        CheckpointBuilder.WriteZip(ckpt, p.Stop(), new Dictionary<string, byte[]> { ["0"] = CheckpointBuilder.Floats(1, 2, 3) });
        var e = Assert.Throws<CheckpointFormatException>(() => StateDict.Open(ckpt));
        Assert.Contains("data/0", e.Message);
    }
}

[Trait(Tier.Category, Tier.Unit)]
public class CheckpointRebuildTests
{
    [Fact]
    public void Parameters_AsNnModuleStateDictsSaveThem_Load()
    {
        // torch.save(module) of nn.Parameter: _rebuild_parameter(_rebuild_tensor_v2(...), requires_grad, OrderedDict())
        using var dir = new TempDir();
        var p = new PickleWriter().Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .String("weight").Global("torch._utils", "_rebuild_parameter").Mark()
            .Tensor("0", 2).Op(0x88).Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce().SetItem();
        var path = dir.File("param.pth");
        CheckpointBuilder.WriteZip(path, p.Stop(), new Dictionary<string, byte[]> { ["0"] = CheckpointBuilder.Floats(0.5f, -1f) });
        using var sd = StateDict.Open(path);
        using var w = sd.Load("weight");
        Assert.Equal(new[] { 0.5f, -1f }, w.data<float>().ToArray());
    }
}
