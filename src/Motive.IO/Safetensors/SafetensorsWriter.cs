using System.Text.Json;
using Motive.IO.Tensors;
using TorchSharp;

namespace Motive.IO.Safetensors;

/// <summary>Writes tensors (any supported dtype, any device) and string metadata as one safetensors file.</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.Select(kv => (kv.Key, Bytes: RawTensor.ToBytes(kv.Value),
            DType: DTypes.FromTorch(kv.Value.dtype), Shape: kv.Value.shape)).ToList();
        AtomicFile.Write(path, s => WriteTo(s, items.Select(i => (i.Key, i.DType, i.Shape, i.Bytes)), metadata));
    }

    /// <summary>Writes raw little-endian tensor bytes; used by the tests to build files torch never sees.</summary>
    public static void WriteTo(Stream stream, IEnumerable<(string Name, DType DType, long[] Shape, byte[] Bytes)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            var names = new HashSet<string>();
            foreach (var t in list)
            {
                if (!names.Add(t.Name)) throw new ArgumentException($"tensor name '{t.Name}' given twice");
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.ToString());
                json.WriteStartArray("shape");
                foreach (var d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.Bytes.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.Bytes.Length;
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8, as the reference writer does, so data is aligned.
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        stream.Write(BitConverter.GetBytes((ulong)buffer.Length));
        buffer.Position = 0;
        buffer.CopyTo(stream);
        foreach (var t in list) stream.Write(t.Bytes);
    }

}
