using System.Text.Json.Nodes;
using Motive.Methods.Editing;

namespace Motive.Web.OpenApi;

/// <summary>
/// One JSON Schema per registered method's request, made from what the method already says of itself: the request
/// type's shape (<see cref="ApiTypes"/>, the same serializer options the server reads it with: snake_case, unknown
/// fields refused) with "method" as its discriminator, and over it the method's description (<see cref="MethodDescription"/>):
/// each input's help, range, choices and whether it is required, at its key; the settings' defaults on this server's
/// model. A method registered in <see cref="EditMethods"/> appears here with no code in the server.
/// </summary>
public static class RequestSchemas
{
    /// <summary>The component name of a method's request schema: its request type's name.</summary>
    public static string Component(IEditMethod method) => method.RequestType.Name;

    /// <summary>
    /// The request schema of <paramref name="method"/> with the defaults a server on <paramref name="modelPath"/> fills
    /// in; its choices are enums only when <paramref name="choices"/> (the method runs on its embedded auxiliary models).
    /// </summary>
    public static JsonObject For(IEditMethod method, string? modelPath, bool choices = true)
    {
        var schema = ApiTypes.Schema(method.RequestType, EditJson.Options, responses: false);
        var properties = (JsonObject)schema["properties"]!;
        var withMethod = new JsonObject { ["method"] = new JsonObject { ["const"] = method.Name, ["description"] = "Which method runs the edit." } };
        foreach (var (k, v) in properties.ToList())
        {
            properties.Remove(k);
            withMethod[k] = v;
        }
        schema["properties"] = withMethod;
        AddRequired(schema, "method");
        schema["title"] = method.Description.Title ?? method.Name;
        schema["description"] = method.Summary;

        foreach (var input in method.Description.Inputs) Annotate(schema, input, method.Name, choices);
        if (Find(schema, "settings") is { } settings)
            foreach (var (key, value) in method.DefaultSettings(modelPath))
                if (value is not null && Find(settings, key) is { } p) p["default"] = value.DeepClone();
        return schema;
    }

    /// <summary>What a description says of one input, written at its key (a key the request type lacks is a bug in the method's description).</summary>
    private static void Annotate(JsonObject schema, MethodInput input, string method, bool choices)
    {
        var parts = input.Key.Split('.');
        JsonObject parent = schema;
        foreach (var part in parts[..^1])
            parent = Find(parent, part) ?? throw new InvalidOperationException($"{method}'s description names \"{input.Key}\", which its request type has no \"{part}\" for");
        var p = Find(parent, parts[^1]) ?? throw new InvalidOperationException($"{method}'s description names \"{input.Key}\", which its request type lacks");
        p["description"] = p["description"] is JsonValue earlier ? $"{earlier.GetValue<string>()} {input.Help}" : input.Help;
        p["x-motive-widget"] = input.Widget.ToString().ToLowerInvariant();
        if (input.Advanced) p["x-motive-advanced"] = true;
        if (input.Min is { } min) p["minimum"] = min;
        if (input.Max is { } max) p["maximum"] = max;
        if (choices && input.Widget == Widget.Choice && input.Choices is { } words)
        {
            var values = new JsonArray([.. words.Select(c => (JsonNode?)c)]);
            if (Nullable(p)) values.Add(null);
            p["enum"] = values;
        }
        else if (input.Choices is { } examples) p["examples"] = new JsonArray([.. examples.Select(c => (JsonNode?)c)]);
        if (input.Required) AddRequired(ObjectHolding(parent, parts[^1]) ?? parent, parts[^1]);
    }

    private static bool Nullable(JsonObject p) =>
        p["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null");

    private static void AddRequired(JsonObject schema, string name)
    {
        var required = schema["required"] as JsonArray ?? [];
        if (!required.Any(r => r?.GetValue<string>() == name)) required.Add(name);
        schema["required"] = required;
    }

    /// <summary>The property <paramref name="name"/> of an object schema, looking through its alternatives (a nullable or polymorphic object).</summary>
    public static JsonObject? Find(JsonObject schema, string name) =>
        ObjectHolding(schema, name)?["properties"]?[name] as JsonObject;

    /// <summary>The object schema (this one or one of its alternatives) that has the property <paramref name="name"/>.</summary>
    private static JsonObject? ObjectHolding(JsonObject schema, string name)
    {
        if (schema["properties"] is JsonObject props && props.ContainsKey(name)) return schema;
        foreach (var key in new[] { "anyOf", "oneOf" })
            if (schema[key] is JsonArray alternatives)
                foreach (var a in alternatives.OfType<JsonObject>())
                    if (ObjectHolding(a, name) is { } found) return found;
        return null;
    }

    /// <summary>Any method's request: one of the methods' schemas, told apart by "method".</summary>
    public static JsonObject AnyMethod() => new()
    {
        ["description"] = "An edit request: the method's own fields, picked by \"method\". A result's run.json is one too.",
        ["oneOf"] = new JsonArray([.. EditMethods.All.Select(m => (JsonNode)Ref(Component(m)))]),
        ["discriminator"] = new JsonObject
        {
            ["propertyName"] = "method",
            ["mapping"] = new JsonObject(EditMethods.All.Select(m => KeyValuePair.Create(m.Name, (JsonNode?)JsonValue.Create("#/components/schemas/" + Component(m))))),
        },
    };

    public static JsonObject Ref(string component) => new() { ["$ref"] = "#/components/schemas/" + component };
}
