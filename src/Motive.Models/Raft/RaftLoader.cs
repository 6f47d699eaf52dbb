using Motive.IO;
using Motive.IO.StateDicts;
using Motive.Models.Blocks;
using TorchSharp;

namespace Motive.Models.Raft;

/// <summary>
/// Loads RAFT checkpoints in the princeton layout (raft-things/sintel/kitti/small.pth), with or without the
/// DataParallel "module." prefix, zip or legacy pickle, fp16 or fp32. The only renaming is that prefix.
/// </summary>
public static class RaftLoader
{
    public static RaftModel Load(string path, bool? small = null)
    {
        using var sd = StateDict.Open(path);
        bool module = sd.Count > 0 && sd.Keys.All(k => k.StartsWith("module.", StringComparison.Ordinal));
        var weights = WeightLoading.Under(sd.Tensors, module ? "module." : "");
        if (!weights.ContainsKey("fnet.conv1.weight") || !weights.Keys.Any(k => k.StartsWith("update_block.", StringComparison.Ordinal)))
            throw new MotiveFormatException(path, "not a RAFT checkpoint in the princeton layout (no fnet / update_block weights)");
        bool isSmall = weights.ContainsKey("update_block.gru.convz.weight");
        if (small is { } s && s != isSmall)
            throw new MotiveFormatException(path, isSmall ? "is a RAFT-small checkpoint (drop --small)" : "is a full RAFT checkpoint, not RAFT-small (drop --small)");
        var model = new RaftModel(isSmall ? RaftConfig.SmallModel : RaftConfig.Large);
        WeightLoading.Load(model, weights, path);
        model.eval();
        return model;
    }
}
