using System.Text.Json.Nodes;

namespace Motive.Tests.Web;

/// <summary>
/// Requests made from an OpenAPI document's own schemas, then broken: a seed instance per schema (required fields,
/// pictures as a real upload id, numbers at their minimum), and for every value in it the ways a client gets it
/// wrong: another JSON type, a number past its range, a word outside its choices, an oversized string, deep
/// nesting, a required field left out, an unknown field added. Whether each one is valid is for a JSON Schema
/// validator to say, not for the fuzzer.
/// </summary>
public sealed class SchemaFuzzer(string imageId, Random random)
{
    /// <summary>One value of a seed: where it is and the schema it was made from.</summary>
    public sealed record Slot(IReadOnlyList<object> Path, JsonObject Schema);

    /// <summary>A seed instance of <paramref name="schema"/> and every slot in it.</summary>
    public (JsonNode? Seed, List<Slot> Slots) Seed(JsonObject schema)
    {
        var slots = new List<Slot>();
        var seed = Make(schema, [], slots);
        return (seed, slots);
    }

    private JsonNode? Make(JsonObject schema, List<object> path, List<Slot> slots)
    {
        slots.Add(new Slot([.. path], schema));
        if (schema["const"] is { } c) return c.DeepClone();
        if (schema["enum"] is JsonArray e) return e.FirstOrDefault(v => v is not null)?.DeepClone();
        foreach (var key in new[] { "anyOf", "oneOf" })
            if (schema[key] is JsonArray alternatives && alternatives.Count > 0)
            {
                // A polymorphic object: one of its kinds, with the outer object's own keywords; a number: its plain branch.
                var pick = schema.ContainsKey("properties") || schema["type"]?.ToString() == "object"
                    ? alternatives[random.Next(alternatives.Count)]!.AsObject() : alternatives[0]!.AsObject();
                var merged = pick.DeepClone().AsObject();
                foreach (var (k, v) in schema.Where(k => k.Key is not ("anyOf" or "oneOf")))
                    if (!merged.ContainsKey(k)) merged[k] = v?.DeepClone();
                    else if (k == "required" && v is JsonArray outer)   // the outer "kind" and the branch's own fields
                        merged[k] = new JsonArray([.. outer.Concat(merged[k]!.AsArray()).Select(r => r!.GetValue<string>()).Distinct().Select(r => (JsonNode?)r)]);
                slots.RemoveAt(slots.Count - 1);
                return Make(merged, path, slots);
            }
        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null") ?? "null",
            JsonValue t => t.GetValue<string>(),
            _ => schema.ContainsKey("properties") ? "object" : "string",
        };
        double? min = schema["minimum"]?.GetValue<double>();
        switch (type)
        {
            case "object":
                var obj = new JsonObject();
                var required = (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
                foreach (var (name, sub) in (schema["properties"] as JsonObject ?? []).ToList())
                {
                    if (sub is not JsonObject s) continue;
                    bool picture = s["x-motive-widget"]?.GetValue<string>() == "picture" || name == "image";   // a preview's upload is "image"
                    bool small = name == "settings";   // numbers at their minimum keep an accepted job short
                    if (!required.Contains(name) && !picture && !small && !(path.Count > 0 && path[^1] is "settings" && s["minimum"] is not null)) continue;
                    obj[name] = Make(s, [.. path, name], slots);
                }
                return obj;
            case "array":
                return schema["items"] is JsonObject items ? new JsonArray(Make(items, [.. path, 0], slots)) : new JsonArray();
            case "integer": return (long)(min ?? 1);
            case "number": return min ?? 1.0;
            case "boolean": return false;
            case "null": return null;
            default:
                if (schema["x-motive-widget"]?.GetValue<string>() == "picture" || path.Count > 0 && path[^1] is "image") return imageId;
                return schema["examples"] is JsonArray ex && ex.Count > 0 ? ex[0]!.DeepClone() : "a square";
        }
    }

    /// <summary>Every mutation of <paramref name="seed"/>, each a (what was done, the broken instance) pair.</summary>
    public IEnumerable<(string What, JsonNode? Instance)> Mutants(JsonNode? seed, IReadOnlyList<Slot> slots)
    {
        foreach (var slot in slots)
        {
            var at = slot.Path.Count == 0 ? "the body" : string.Join(".", slot.Path);
            foreach (var wrong in new JsonNode?[] { "text", 12345, -7.5, true, new JsonArray(), new JsonObject(), null })
                yield return ($"{at}: wrong type {wrong?.ToJsonString() ?? "null"}", Replace(seed, slot.Path, wrong));
            if (slot.Schema["minimum"] is JsonValue min) yield return ($"{at}: under its minimum", Replace(seed, slot.Path, min.GetValue<double>() - 1));
            if (slot.Schema["maximum"] is JsonValue max) yield return ($"{at}: over its maximum", Replace(seed, slot.Path, max.GetValue<double>() + 1));
            if (slot.Schema["enum"] is not null || slot.Schema["const"] is not null) yield return ($"{at}: not one of its choices", Replace(seed, slot.Path, "not-a-choice"));
            yield return ($"{at}: oversized string", Replace(seed, slot.Path, new string('x', 200_000 + random.Next(1000))));
            // As deep as System.Text.Json's default depth (64) lets a validator read; the raw garbage goes deeper.
            yield return ($"{at}: 56-deep nesting", Replace(seed, slot.Path, JsonNode.Parse(new string('[', 56) + new string(']', 56))));
            if (slot.Path.Count > 0 && slot.Path[^1] is string) yield return ($"{at}: left out", Remove(seed, slot.Path));
            if (Get(seed, slot.Path) is JsonObject) yield return ($"{at}: unknown field", Replace(seed, [.. slot.Path, "fuzz_unknown_field"], 1));
        }
    }

    private static JsonNode? Get(JsonNode? node, IReadOnlyList<object> path)
    {
        foreach (var p in path) node = p is int i ? (node as JsonArray)?[i] : (node as JsonObject)?[(string)p];
        return node;
    }

    private static JsonNode? Replace(JsonNode? seed, IReadOnlyList<object> path, JsonNode? value)
    {
        if (path.Count == 0) return value;
        var copy = seed?.DeepClone();
        var parent = Get(copy, path.Take(path.Count - 1).ToList());
        if (path[^1] is int i && parent is JsonArray a) a[i] = value;
        else if (path[^1] is string n && parent is JsonObject o) o[n] = value;
        return copy;
    }

    private static JsonNode? Remove(JsonNode? seed, IReadOnlyList<object> path)
    {
        var copy = seed?.DeepClone();
        if (Get(copy, path.Take(path.Count - 1).ToList()) is JsonObject o) o.Remove((string)path[^1]);
        return copy;
    }
}
