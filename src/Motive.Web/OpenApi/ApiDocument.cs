using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Motive.Methods.Editing;

namespace Motive.Web.OpenApi;

/// <summary>
/// The server's OpenAPI 3.1 document (/openapi/v1.json), written from what the server is: every endpoint that carries
/// an <see cref="ApiOperation"/> (path and verb from the route table), the request schema of every registered method
/// (<see cref="RequestSchemas"/>), the answer types' schemas, problem+json errors, and the bearer scheme a guarded
/// server asks for.
/// </summary>
public static class ApiDocument
{
    private static readonly (string Name, string Description)[] Tags =
    [
        ("images", "Pictures in: uploads, and the request a result picture was made by"),
        ("toy", "The embedded toy world's scenes, to try the API without a picture of one's own"),
        ("methods", "The editing methods this server runs, their inputs and defaults"),
        ("previews", "What a motion will do, in milliseconds and without a model"),
        ("jobs", "Edits as jobs: submit, follow, fetch the result files, cancel"),
    ];

    /// <summary>The document for <paramref name="endpoints"/> of a server with <paramref name="options"/>, reached at <paramref name="baseUrl"/>.</summary>
    public static JsonObject Build(IEnumerable<Endpoint> endpoints, ServeOptions options, string baseUrl)
    {
        var paths = new JsonObject();
        var types = new Dictionary<string, (Type Type, bool Read)>();
        foreach (var e in endpoints.OfType<RouteEndpoint>().OrderBy(e => e.Order))
        {
            if (e.Metadata.GetMetadata<ApiOperation>() is not { } op) continue;
            var path = "/" + (e.RoutePattern.RawText ?? "").TrimStart('/');
            var verb = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Single().ToLowerInvariant()
                ?? throw new InvalidOperationException($"{path} has no HTTP method");
            var item = paths[path] as JsonObject ?? new JsonObject();
            paths[path] = item;
            item[verb] = Operation(op, e, options, types);
        }

        var schemas = new JsonObject { ["Problem"] = Problem(), ["EditRequest"] = RequestSchemas.AnyMethod() };
        foreach (var m in EditMethods.All)
            schemas[RequestSchemas.Component(m)] = RequestSchemas.For(m, options.Model.Path, options.EmbeddedAux(m.Description));
        foreach (var (name, (type, read)) in types.OrderBy(t => t.Key)) schemas[name] = ApiTypes.Schema(type, Api.Json, responses: !read);

        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "Motive",
                ["version"] = typeof(ApiDocument).Assembly.GetName().Version?.ToString(3) ?? "0",
                ["description"] = "Training-free guided diffusion editing over HTTP. Upload a picture (or draw a toy scene), submit an edit "
                    + "request (its \"method\" picks the method; its schema is the method's own), follow the job's progress, fetch its result files. "
                    + "Every error is one problem+json answer whose \"detail\" names the input and the problem.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = baseUrl.TrimEnd('/'), ["description"] = "this server" }),
            // A server started with a token refuses every /api call without it; one on loopback without a token asks for none.
            ["security"] = options.Token is null
                ? new JsonArray(new JsonObject(), new JsonObject { ["bearer"] = new JsonArray() })
                : new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
            ["tags"] = new JsonArray([.. Tags.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = t.Description })]),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject
                    {
                        ["type"] = "http",
                        ["scheme"] = "bearer",
                        ["description"] = "The token `motive serve --token` was started with (required off loopback). GET requests may send it as ?access_token= instead, as an EventSource cannot set headers.",
                    },
                },
            },
        };
    }

    private static JsonObject Operation(ApiOperation op, RouteEndpoint e, ServeOptions options, Dictionary<string, (Type Type, bool Read)> types)
    {
        var o = new JsonObject { ["operationId"] = op.Id, ["tags"] = new JsonArray(op.Tag), ["summary"] = op.Summary };
        var parameters = new JsonArray();
        foreach (var p in e.RoutePattern.Parameters)
            parameters.Add(new JsonObject
            {
                ["name"] = p.Name,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string", ["maxLength"] = 256 },
                ["description"] = p.Name == "id" ? "The id the server gave (e.g. a job's or an upload's)" : "A file of the job's result folder, e.g. result.png",
            });
        if (parameters.Count > 0) o["parameters"] = parameters;
        if (op.Body is { } body)
        {
            var schema = Schema(body.Schema, types);
            if (body.MediaType == ApiMedia.Multipart)
                schema = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("file"),
                    ["properties"] = new JsonObject { ["file"] = new JsonObject { ["type"] = "string", ["contentMediaType"] = "application/octet-stream", ["description"] = $"The picture: PNG, JPEG or BMP, at most {options.MaxUploadBytes} bytes and {options.MaxImageSide} px a side" } },
                };
            o["requestBody"] = new JsonObject { ["required"] = body.Required, ["content"] = new JsonObject { [body.MediaType] = new JsonObject { ["schema"] = schema } } };
        }
        var answers = op.Answers.ToList();
        answers.Add(ApiAnswer.Problem(401, "This server was started with a bearer token and the request did not carry it") with { Headers = [("WWW-Authenticate", "\"Bearer\"")] });
        var responses = new JsonObject();
        foreach (var a in answers.OrderBy(a => a.Status))
        {
            var r = new JsonObject { ["description"] = a.Description };
            if (a.Headers.Count > 0)
                r["headers"] = new JsonObject(a.Headers.Select(h => KeyValuePair.Create(h.Name, (JsonNode?)new JsonObject { ["description"] = h.Description, ["schema"] = new JsonObject { ["type"] = "string" } })));
            if (a.Content.Count > 0)
                r["content"] = new JsonObject(a.Content.Select(c => KeyValuePair.Create(c.MediaType, (JsonNode?)new JsonObject { ["schema"] = Schema(c.Schema, types) })));
            responses[a.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = r;
        }
        o["responses"] = responses;
        return o;
    }

    private static JsonObject Schema(ApiSchema s, Dictionary<string, (Type Type, bool Read)> types)
    {
        if (s.Type is { } t) types[s.Component!] = (t, s.Read);
        if (s.IsBinary) return new JsonObject { ["type"] = "string", ["contentMediaType"] = "application/octet-stream" };
        // Text whose parts are JSON of a component (a progress stream's "data:" lines).
        if (s.IsText) return new JsonObject { ["type"] = "string", ["contentMediaType"] = "application/json", ["contentSchema"] = RequestSchemas.Ref(s.Component!) };
        var one = RequestSchemas.Ref(s.Component!);
        return s.List ? new JsonObject { ["type"] = "array", ["items"] = one } : one;
    }

    /// <summary>RFC 9457 problem details, as every error answer writes them.</summary>
    private static JsonObject Problem() => new()
    {
        ["type"] = "object",
        ["description"] = "An error: \"detail\" is one line naming the input and the problem.",
        ["required"] = new JsonArray("title", "status", "detail"),
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = "string" },
            ["instance"] = new JsonObject { ["type"] = "string" },
        },
    };
}
