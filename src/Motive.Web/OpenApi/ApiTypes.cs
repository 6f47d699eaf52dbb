using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Motive.Web.OpenApi;

/// <summary>
/// JSON Schemas of the types the API reads and writes, made by System.Text.Json from the same options it serializes
/// them with, so a schema cannot drift from the wire: snake_case names, enums as words, unknown fields refused
/// ("additionalProperties": false), polymorphic types as "anyOf" over their "kind"s.
/// </summary>
public static class ApiTypes
{
    /// <summary>
    /// The schema of <paramref name="type"/>. For answers (<paramref name="responses"/>) every property that is never
    /// null is marked required, since the server leaves out only nulls: a generated client then types them as present.
    /// </summary>
    public static JsonObject Schema(Type type, JsonSerializerOptions options, bool responses)
    {
        var o = new JsonSerializerOptions(options) { TypeInfoResolver = options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver() };
        o.MakeReadOnly();
        var node = JsonSchemaExporter.GetJsonSchemaAsNode(o, type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = NullableNumbers });
        var schema = node as JsonObject ?? new JsonObject();
        if (schema.ToJsonString().Contains("\"$ref\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"{type.Name} is recursive; its schema would need references the document does not have");
        if (responses) RequireNonNull(schema);
        return schema;
    }

    /// <summary>
    /// A double? that may also be "NaN" or "Infinity" comes out as anyOf [number, those words] without null, though
    /// null is read as "not given": null is added back, or the schema would refuse what the server takes.
    /// </summary>
    private static JsonNode NullableNumbers(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (Nullable.GetUnderlyingType(context.TypeInfo.Type) is not null && schema is JsonObject o && o["anyOf"] is JsonArray alternatives
            && !alternatives.Any(a => a?["type"]?.ToJsonString() is "\"null\"" || a?["type"] is JsonArray t && t.Any(x => x?.GetValue<string>() == "null")))
            alternatives.Add(new JsonObject { ["type"] = "null" });
        return schema;
    }

    private static void RequireNonNull(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["properties"] is JsonObject props)
                {
                    var required = new JsonArray([.. props.Where(p => !MayBeNull(p.Value)).Select(p => (JsonNode?)p.Key)]);
                    if (required.Count > 0) obj["required"] = required;
                }
                foreach (var (_, child) in obj.ToList()) RequireNonNull(child);
                break;
            case JsonArray array:
                foreach (var child in array) RequireNonNull(child);
                break;
        }
    }

    private static bool MayBeNull(JsonNode? schema) => schema switch
    {
        JsonObject o when o["type"] is JsonArray types => types.Any(t => t?.GetValue<string>() == "null"),
        JsonObject o when o["type"] is JsonValue t => t.GetValue<string>() == "null",
        JsonObject o when o["anyOf"] is JsonArray alts => alts.Any(MayBeNull),
        JsonObject o => !o.ContainsKey("type") && !o.ContainsKey("enum") && !o.ContainsKey("const"),   // any JSON (e.g. a JsonNode), null included
        _ => true,
    };
}
