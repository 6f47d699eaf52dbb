using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Motive.Methods.Editing;
using Motive.Models.Loading;
using Motive.Web.OpenApi;

namespace Motive.Web.Endpoints;

/// <summary>What the server can do: every registered method, its one line, and the defaults the server's model gives it.</summary>
public static class MethodEndpoints
{
    /// <summary>A method as the editor builds its panel: its description (inputs by widget), its model preset, and its settings' defaults on this server's model.</summary>
    public sealed record MethodInfo(string Name, string Title, string Summary, JsonObject? Defaults, IReadOnlyList<string> Presets, string Command,
        IReadOnlyList<MethodInput> Inputs, JsonObject Settings);

    public sealed record ServerInfo(string Model, string Device, int NativeSize, int QueueCapacity, long MaxUploadBytes, int MaxImageSide, IReadOnlyList<MethodInfo> Methods);

    public static void Map(RouteGroupBuilder api, ServerContext s)
    {
        api.MapGet("/methods", () => Results.Json(Info(s), Api.Json))
            .Describe(new("listMethods", "methods", "The methods, their inputs, their defaults on this server's model, and the server's limits")
                { Answers = [ApiAnswer.Json(200, "What this server runs", typeof(ServerInfo))] });
    }

    public static ServerInfo Info(ServerContext s)
    {
        var modelDir = s.Options.Model.Path ?? EmbeddedModel.Dir;
        var methods = EditMethods.All.Select(m => new MethodInfo(m.Name, m.Description.Title ?? m.Name, m.Summary, MethodPresets.For<JsonObject>(modelDir, m.Name),
            m.Description.Presets, m.Description.Command, m.Description.Inputs, m.DefaultSettings(s.Options.Model.Path))).ToList();
        return new ServerInfo(s.Options.Model.Path is { } p ? Path.GetFileName(Path.TrimEndingDirectorySeparator(p)) : "embedded toy model", s.Options.Device,
            EditModels.NativeSize(s.Options.Model), s.Options.QueueCapacity, s.Options.MaxUploadBytes, s.Options.MaxImageSide, methods);
    }
}
