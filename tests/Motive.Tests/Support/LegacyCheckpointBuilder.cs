using System.Buffers.Binary;
using Motive.IO.Pickle;

namespace Motive.Tests.Support;

/// <summary>
/// Writes small checkpoints in PyTorch's legacy (pre-1.6) format: five pickles (magic number, protocol
/// 1001, system info, the object, storage keys) followed by each storage as int64 count + raw elements.
/// </summary>
public static class LegacyCheckpointBuilder
{
    public static byte[] Build(IReadOnlyList<(string Name, float[] Values)> tensors, bool bigEndian = false)
    {
        var ms = new MemoryStream();
        // 0x1950a86a20f9469cfc6c as LONG1, little-endian two's complement in 10 bytes.
        ms.Write([0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        ms.Write(new PickleWriter().Int(1001).Stop());
        ms.Write(new PickleWriter().EmptyDict().String("protocol_version").Int(1001).SetItem()
            .String("little_endian").Op(bigEndian ? (byte)0x89 : (byte)0x88).SetItem().Stop());

        var main = new PickleWriter().Global("collections", "OrderedDict").EmptyTuple().Reduce();
        for (int i = 0; i < tensors.Count; i++)
        {
            long n = tensors[i].Values.Length;
            main.String(tensors[i].Name)
                .Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().String("storage").Global("torch", "FloatStorage").String(i.ToString()).String("cpu").Int(n).Op(0x4e).Tuple().BinPersId()
                .Int(0).Ints([n]).Ints([1]).False()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce()
                .Tuple().Reduce().SetItem();
        }
        ms.Write(main.Stop());
        var keys = new PickleWriter().Mark();
        for (int i = 0; i < tensors.Count; i++) keys.String(i.ToString());
        ms.Write(keys.Op(0x6c).Stop()); // LIST

        Span<byte> b8 = stackalloc byte[8];
        Span<byte> b4 = stackalloc byte[4];
        foreach (var (_, values) in tensors)
        {
            if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(b8, values.Length); else BinaryPrimitives.WriteInt64LittleEndian(b8, values.Length);
            ms.Write(b8);
            foreach (var v in values)
            {
                if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(b4, v); else BinaryPrimitives.WriteSingleLittleEndian(b4, v);
                ms.Write(b4);
            }
        }
        return ms.ToArray();
    }
}
