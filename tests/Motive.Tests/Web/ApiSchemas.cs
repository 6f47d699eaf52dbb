using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Motive.Tests.Web;

/// <summary>
/// A served OpenAPI document's component schemas as JSON Schema 2020-12 validators (OpenAPI 3.1's dialect, which allows the "x-" keywords) (JsonSchema.Net, an independent
/// implementation): a request is checked against its method's own schema, picked by its "method" as the
/// document's discriminator says.
/// </summary>
public sealed class ApiSchemas
{
    private readonly JsonObject document;
    private readonly Dictionary<string, JsonSchema> built = [];

    public ApiSchemas(JsonObject document) => this.document = document;

    public JsonObject Document => document;

    public JsonObject Component(string name) => document["components"]!["schemas"]![name]!.AsObject();

    /// <summary>The component a request's "method" picks (null: no method the document knows).</summary>
    public string? ComponentOf(JsonNode request) =>
        request is JsonObject o && o["method"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
        && Component("EditRequest")["discriminator"]!["mapping"]![v.GetValue<string>()] is JsonValue target
            ? target.GetValue<string>().Split('/')[^1] : null;

    /// <summary>Where and why <paramref name="instance"/> breaks component <paramref name="name"/>; empty when it is valid.</summary>
    public IReadOnlyList<string> Errors(string name, JsonNode? instance)
    {
        if (!built.TryGetValue(name, out var schema))
        {
            var text = Component(name).ToJsonString();
            Assert.DoesNotContain("\"$ref\"", text);   // the method schemas are whole; a reference would not resolve here
            schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 }, new Uri($"https://motive.test/schemas/{name}"));
            built[name] = schema;
        }
        using var json = JsonDocument.Parse(instance?.ToJsonString() ?? "null");
        var result = schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("invalid").ToList();
    }

    /// <summary>Errors of a request against its method's schema (an unknown method is one error).</summary>
    public IReadOnlyList<string> RequestErrors(JsonNode request) =>
        ComponentOf(request) is { } c ? Errors(c, request) : ["no method the document knows"];
}
