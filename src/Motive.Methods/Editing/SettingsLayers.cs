using System.Text.Json;
using System.Text.Json.Nodes;
using Motive.IO.Json;

namespace Motive.Methods.Editing;

/// <summary>
/// Settings records whose every field is optional, layered: a request's over the model's preset over the reference.
/// Done on their JSON (nulls are left out when written), so a new field needs no merge code.
/// </summary>
public static class SettingsLayers
{
    /// <summary><paramref name="top"/> with each left-out field taken from <paramref name="under"/>.</summary>
    public static T Over<T>(T top, T under)
    {
        var merged = JsonSerializer.SerializeToNode(under, MotiveJson.Options)!.AsObject();
        foreach (var (key, value) in JsonSerializer.SerializeToNode(top, MotiveJson.Options)!.AsObject().ToList())
            merged[key] = value?.DeepClone();
        return merged.Deserialize<T>(MotiveJson.Options)!;
    }

    /// <summary>A settings record as the request's JSON writes it (left-out fields absent).</summary>
    public static JsonObject ToJson<T>(T settings) => JsonSerializer.SerializeToNode(settings, MotiveJson.Options)!.AsObject();
}
