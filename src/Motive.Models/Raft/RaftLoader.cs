using Motive.IO;
using Motive.IO.StateDicts;
using Motive.Models.Blocks;
using TorchSharp;

namespace Motive.Models.Raft;

/// <summary>
/// Loads RAFT checkpoints in the princeton layout (raft-things/sintel/kitti/small.pth), with or without the
/// DataParallel "module." prefix, zip or legacy pickle, fp16 or fp32. The only renaming is that prefix. A safetensors
/// file may carry the scale its images are to be enlarged by (<see cref="RaftInputScale.MetadataKey"/>; Motive's toy RAFT).
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
        int scale = InputScale(path, sd.Metadata);
        var model = new RaftModel(isSmall ? RaftConfig.SmallModel : RaftConfig.Large) { InputScale = scale };
        WeightLoading.Load(model, weights, path);
        model.eval();
        return model;
    }

    /// <summary>The metadata's input scale (1 when it has none).</summary>
    public static int InputScale(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(RaftInputScale.MetadataKey, out var text)) return 1;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int scale)
            || !RaftInputScale.Supported.Contains(scale))
            throw new MotiveFormatException(path, $"has {RaftInputScale.MetadataKey} '{text}' in its metadata; it must be one of {string.Join(", ", RaftInputScale.Supported)}");
        return scale;
    }

    /// <summary>The metadata that records <paramref name="raft"/>'s input scale in a checkpoint (none at 1, as published RAFTs).</summary>
    public static Dictionary<string, string> Metadata(RaftModel raft) =>
        raft.InputScale == 1 ? [] : new() { [RaftInputScale.MetadataKey] = raft.InputScale.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
