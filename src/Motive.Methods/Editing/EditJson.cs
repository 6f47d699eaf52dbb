using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Motive.IO;
using Motive.IO.Json;

namespace Motive.Methods.Editing;

/// <summary>
/// Requests as JSON: <see cref="MotiveJson"/>'s policy, with <see cref="EditRequest"/> polymorphic on
/// <c>"method"</c> over the methods of <see cref="EditMethods"/> (registered there, not listed here). A run.json
/// (the request plus <c>motive_version</c> and <c>result</c>) reads as its request.
/// </summary>
public static class EditJson
{
    /// <summary>Keys a result folder's run.json adds beside the request's own; the result holds the run's seconds under <see cref="ElapsedKey"/>.</summary>
    public const string VersionKey = "motive_version", ResultKey = "result", ElapsedKey = "elapsed_seconds";

    /// <summary>How long the edit of a parsed run.json ran; null when it records no time.</summary>
    public static double? ElapsedSeconds(JsonNode? run) =>
        run?[ResultKey]?[ElapsedKey] is JsonValue v && v.TryGetValue<double>(out var s) ? s : null;

    public static readonly JsonSerializerOptions Options = MotiveJson.Configure(new JsonSerializerOptions
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddMethods } },
        // "settings": null and a stroke without its "dx" are refused (they would reach the method as a null or a 0 it
        // never asked for); the API's schema says the same.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    });

    private static void AddMethods(JsonTypeInfo info)
    {
        if (info.Type != typeof(EditRequest)) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "method",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var m in EditMethods.All) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(m.RequestType, m.Name));
    }

    public static string Serialize(EditRequest request, bool indented = true) =>
        JsonSerializer.Serialize(request, indented ? Options : new JsonSerializerOptions(Options) { WriteIndented = false });

    public static JsonObject ToNode(EditRequest request) => JsonSerializer.SerializeToNode(request, Options)!.AsObject();

    /// <summary>A request file, or a result folder's run.json; errors name <paramref name="path"/>.</summary>
    public static EditRequest Read(string path)
    {
        if (!File.Exists(path)) throw new MotiveFormatException(path, Directory.Exists(path) ? "is a folder; give its run.json or a request .json" : "no such file");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>A request from JSON text; <paramref name="what"/> names it in errors (a file, "the request body").</summary>
    public static EditRequest Parse(string text, string what)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new MotiveFormatException(what, "is not valid JSON: " + MotiveJson.Describe(e));
        }
        if (node is not JsonObject obj) throw new MotiveFormatException(what, "must be a JSON object with a \"method\"");
        obj.Remove(VersionKey);
        obj.Remove(ResultKey);
        var names = string.Join(", ", EditMethods.All.Select(m => m.Name));
        if (obj["method"] is not JsonValue method || method.GetValueKind() != JsonValueKind.String)
            throw new MotiveFormatException(what, $"has no \"method\" (one of: {names})");
        var name = method.GetValue<string>();
        if (EditMethods.All.All(m => m.Name != name)) throw new MotiveFormatException(what, $"names an unknown method '{name}' (known: {names})");
        return MotiveJson.Parse<EditRequest>(obj.ToJsonString(), what, Options);
    }
}
