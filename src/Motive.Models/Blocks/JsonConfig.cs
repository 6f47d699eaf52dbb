using System.Text.Json;
using Motive.IO;

namespace Motive.Models.Blocks;

/// <summary>
/// Reads a diffusers/transformers config.json as the source of truth (diffusers style): unknown keys are
/// kept but ignored; missing keys take the library's defaults.
/// </summary>
public sealed class JsonConfig
{
    private readonly JsonElement _root;

    private JsonConfig(string path, JsonElement root)
    {
        Path = path;
        _root = root;
    }

    public string Path { get; }

    public static JsonConfig Load(string path)
    {
        if (!File.Exists(path)) throw new MotiveFormatException(path, "config file not found");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new MotiveFormatException(path, "config is not a JSON object");
            return new JsonConfig(path, doc.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new MotiveFormatException(path, $"config is not valid JSON ({e.Message.Split('\n')[0]})");
        }
    }

    public static JsonConfig Parse(string json, string name = "config") =>
        new(name, JsonDocument.Parse(json).RootElement.Clone());

    private JsonElement? Get(string key) =>
        _root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private MotiveFormatException Bad(string key, string expected) => new(Path, $"'{key}' should be {expected}");

    public long Long(string key, long fallback) =>
        Get(key) is { } v ? (v.TryGetInt64(out var n) ? n : throw Bad(key, "an integer")) : fallback;

    public double Double(string key, double fallback) =>
        Get(key) is { } v ? (v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad(key, "a number")) : fallback;

    public bool Bool(string key, bool fallback) =>
        Get(key) is { } v ? (v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Bad(key, "true or false")) : fallback;

    public string String(string key, string fallback) =>
        Get(key) is { } v ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad(key, "a string")) : fallback;

    public bool Has(string key) => Get(key) is not null;

    public long[] Longs(string key, long[] fallback) => Get(key) is { } v
        ? v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(e => e.TryGetInt64(out var n) ? n : throw Bad(key, "a list of integers")).ToArray()
            : v.TryGetInt64(out var one) ? [one] : throw Bad(key, "a list of integers")
        : fallback;

    public string[] Strings(string key, string[] fallback) => Get(key) is { } v && v.ValueKind == JsonValueKind.Array
        ? v.EnumerateArray().Select(e => e.GetString() ?? throw Bad(key, "a list of strings")).ToArray()
        : fallback;
}
