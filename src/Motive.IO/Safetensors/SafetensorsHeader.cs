using System.Text.Json;
using Motive.IO.Tensors;

namespace Motive.IO.Safetensors;

/// <summary>One tensor's entry in a safetensors header; offsets are relative to the data section.</summary>
public sealed record SafetensorsEntry(string Name, DType DType, long[] Shape, long Begin, long End);

/// <summary>
/// Parses and validates the JSON header of a safetensors file
/// (https://github.com/huggingface/safetensors: 8-byte little-endian length, JSON, data).
/// Every rule of the format is checked here, before any tensor is touched.
/// </summary>
public static class SafetensorsHeader
{
    /// <summary>Headers above this are refused (the reference implementation uses the same bound).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        string path, ReadOnlySpan<byte> json, long dataLength)
    {
        try
        {
            return ParseJson(path, json, dataLength);
        }
        catch (InvalidOperationException e) // JsonDocument's answer to invalid UTF-8 inside strings
        {
            throw new SafetensorsFormatException(path, $"header is not valid UTF-8 JSON ({e.Message})", e);
        }
    }

    static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata) ParseJson(
        string path, ReadOnlySpan<byte> json, long dataLength)
    {
        SafetensorsFormatException Bad(string problem) => new(path, problem);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Bad($"header is not valid JSON ({e.Message.Split('\n')[0]})");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name)) throw Bad($"header names '{prop.Name}' twice");
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad("__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw Bad($"__metadata__ value '{m.Name}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(prop, dataLength, Bad));
            }

            // No two tensors may share bytes.
            var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            for (int i = 1; i < sorted.Count; i++)
                if (sorted[i].Begin < sorted[i - 1].End)
                    throw Bad($"tensors '{sorted[i - 1].Name}' and '{sorted[i].Name}' overlap");
            return (entries, metadata);
        }
    }

    static SafetensorsEntry ParseEntry(JsonProperty prop, long dataLength, Func<string, SafetensorsFormatException> bad)
    {
        var name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw bad($"entry '{name}' is not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw bad($"entry '{name}' has no dtype");
        if (!DTypes.TryParse(dt.GetString()!, out var dtype))
            throw bad($"entry '{name}' has unsupported dtype '{dt.GetString()}'");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw bad($"entry '{name}' has no shape");
        var shape = new long[sh.GetArrayLength()];
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var n) || n < 0)
                throw bad($"entry '{name}' has an invalid shape");
            shape[k++] = n;
        }
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw bad($"entry '{name}' has no data_offsets [begin, end]");
        if (!off[0].TryGetInt64(out var begin) || !off[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw bad($"entry '{name}' has invalid data_offsets");
        if (end > dataLength)
            throw bad($"entry '{name}' ends at byte {end} but the data section holds {dataLength} bytes");
        long size = dtype.ByteSize(shape);
        if (size < 0 || size != end - begin)
            throw bad($"entry '{name}': {dtype} [{string.Join(", ", shape)}] needs {size} bytes, offsets give {end - begin}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }
}
