using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Motive.Web.OpenApi;

/// <summary>
/// What the OpenAPI document says of one endpoint, kept beside its handler (<see cref="ApiOperations.Describe"/>): its
/// operationId, tag, one line, the body it takes and every status it really answers. The path and the verb are the
/// endpoint's own (read from the route table), so the document cannot name a route the server does not have.
/// </summary>
public sealed record ApiOperation(string Id, string Tag, string Summary)
{
    public ApiBody? Body { get; init; }
    public IReadOnlyList<ApiAnswer> Answers { get; init; } = [];
}

/// <summary>A request body: its media type and schema (a <see cref="ApiSchema"/>).</summary>
public sealed record ApiBody(string MediaType, ApiSchema Schema, bool Required = true);

/// <summary>One answer: its status, what it means, its body's media types (each with a schema) and the headers it sets.</summary>
public sealed record ApiAnswer(int Status, string Description, IReadOnlyList<(string MediaType, ApiSchema Schema)> Content)
{
    public IReadOnlyList<(string Name, string Description)> Headers { get; init; } = [];

    /// <summary>An answer with a JSON body of <paramref name="type"/>.</summary>
    public static ApiAnswer Json(int status, string description, Type type) => new(status, description, [("application/json", ApiSchema.Of(type))]);

    /// <summary>An answer with a JSON array of <paramref name="item"/>.</summary>
    public static ApiAnswer JsonList(int status, string description, Type item) => new(status, description, [("application/json", ApiSchema.ListOf(item))]);

    public static ApiAnswer Png(string description) => new(200, description, [("image/png", ApiSchema.Binary)]);

    /// <summary>A problem+json answer (RFC 9457) with one line in "detail".</summary>
    public static ApiAnswer Problem(int status, string description) => new(status, description, [("application/problem+json", ApiSchema.Named("Problem"))]);
}

/// <summary>
/// A schema as the document writes it: a component (a type's, named as the type; or one the document writes itself,
/// such as "Problem" and "EditRequest"), a list of one, bytes, or a text stream of a component's JSON.
/// </summary>
public sealed record ApiSchema(string? Component, Type? Type = null, bool List = false, bool IsBinary = false, bool IsText = false)
{
    /// <summary>A body the server reads (its fields are as optional as the server takes them; an answer's are all present unless null).</summary>
    public bool Read { get; init; }

    public static ApiSchema Body(Type type) => new(type.Name, type) { Read = true };

    public static ApiSchema Of(Type type) => new(type.Name, type);
    public static ApiSchema ListOf(Type type) => new(type.Name, type, List: true);
    public static ApiSchema Named(string component) => new(component);
    public static readonly ApiSchema Binary = new(null, IsBinary: true);

    /// <summary>A text stream whose events carry <paramref name="type"/> as JSON (OpenAPI 3.1 cannot type server-sent events further).</summary>
    public static ApiSchema EventsOf(Type type) => new(type.Name, type, IsText: true);

    /// <summary>Any method's request: one of the methods' schemas, picked by "method".</summary>
    public static readonly ApiSchema EditRequest = new("EditRequest");
}

/// <summary>The shared answers and the way an endpoint is described.</summary>
public static class ApiOperations
{
    public static readonly ApiAnswer BadRequest = ApiAnswer.Problem(400, "The request is malformed or names something that is not there; \"detail\" says which input and why");
    public static readonly ApiAnswer TooLarge = ApiAnswer.Problem(413, "The body is larger than this server takes");
    public static ApiAnswer NotFound(string what) => ApiAnswer.Problem(404, $"No {what} with this id");

    /// <summary>Attaches <paramref name="operation"/> to the endpoint (and its summary, as routing shows it).</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, ApiOperation operation) =>
        builder.WithMetadata(operation).WithSummary(operation.Summary);
}

/// <summary>The media types of the bodies endpoints take.</summary>
public static class ApiMedia
{
    public const string Json = "application/json", Multipart = "multipart/form-data";
}
