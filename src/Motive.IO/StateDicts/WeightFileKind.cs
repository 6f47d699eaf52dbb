using Motive.IO.Checkpoints;
using Motive.IO.Safetensors;

namespace Motive.IO.StateDicts;

public enum WeightFileKind { Unknown, Safetensors, TorchZip, TorchLegacy }

public static class WeightFileKinds
{
    /// <summary>Recognises a weight file by its first bytes.</summary>
    public static WeightFileKind Sniff(string path)
    {
        Span<byte> head = stackalloc byte[16];
        int n;
        using (var fs = File.OpenRead(path)) n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Sniff(head[..n]);
    }

    /// <summary>Recognises a weight file by its first (up to 16) bytes.</summary>
    public static WeightFileKind Sniff(ReadOnlySpan<byte> head)
    {
        if (SafetensorsFile.Sniff(head)) return WeightFileKind.Safetensors;
        if (TorchCheckpoint.SniffZip(head)) return WeightFileKind.TorchZip;
        if (TorchCheckpoint.SniffLegacy(head)) return WeightFileKind.TorchLegacy;
        return WeightFileKind.Unknown;
    }
}
