using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Motive.IO;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.ToyWorld;
using Motive.Web.OpenApi;
using static Motive.Web.OpenApi.ApiOperations;

namespace Motive.Web.Endpoints;

/// <summary>Pictures in: uploads (decoded and bounded before they are kept), toy scenes, and result PNGs whose text restores their edit.</summary>
public static class ImageEndpoints
{
    public sealed record UploadAnswer(string Id, int Width, int Height, string Url, string? Caption = null);

    public sealed record SceneAsk(int Seed = 0);

    private static readonly ApiAnswer Uploaded = ApiAnswer.Json(201, "The picture, kept under a new id", typeof(UploadAnswer));

    public static void Map(RouteGroupBuilder api, ServerContext s)
    {
        api.MapPost("/images", async (HttpRequest request) =>
        {
            var (data, what) = await Bodies.ReadFile(request, "file", s.Options.MaxUploadBytes, request.HttpContext.RequestAborted);
            var u = s.Uploads.Add(data, what);
            return Results.Json(new UploadAnswer(u.Id, u.Width, u.Height, $"/api/v1/images/{u.Id}"), Api.Json, statusCode: 201);
        }).Describe(new("uploadImage", "images", "Upload a picture (multipart field \"file\": PNG, JPEG or BMP) → its id")
        {
            Body = new(ApiMedia.Multipart, ApiSchema.Binary),
            Answers = [Uploaded, BadRequest, TooLarge],
        }).DisableAntiforgery();

        api.MapGet("/images/{id}", (string id) => s.Uploads.Get(id) is { } u
            ? Results.File(u.File, "image/png")
            : Problems.Of(404, $"no uploaded image '{id}'")).Describe(new("getImage", "images", "An uploaded picture, as PNG")
            { Answers = [ApiAnswer.Png("The picture"), NotFound("uploaded image")] });

        api.MapPost("/toy/scenes", async (HttpRequest request) =>
        {
            var ask = request.ContentLength is null or 0 ? new SceneAsk() : Motive.IO.Json.MotiveJson.Parse<SceneAsk>(await Bodies.ReadJson(request, 4096, request.HttpContext.RequestAborted), "the request body");
            var side = EditModels.NativeSize(new ModelRef());
            var (picture, caption) = ToyScenes.Picture(ask.Seed, side);
            var u = s.Uploads.Add(picture);
            return Results.Json(new UploadAnswer(u.Id, u.Width, u.Height, $"/api/v1/images/{u.Id}", caption), Api.Json, statusCode: 201);
        }).Describe(new("drawToyScene", "toy", "Draw a scene of the embedded toy world ({\"seed\": N}) → an uploaded picture and its caption")
        {
            Body = new(ApiMedia.Json, ApiSchema.Body(typeof(SceneAsk)), Required: false),
            Answers = [Uploaded, BadRequest, TooLarge],
        });

        api.MapPost("/restore", async (HttpRequest request) =>
        {
            var (data, what) = await Bodies.ReadFile(request, "file", s.Options.MaxUploadBytes, request.HttpContext.RequestAborted);
            var text = PngText.Parse(what, data);
            if (!text.TryGetValue("motive.request", out var json)) throw new MotiveFormatException(what, "is not a Motive result (its PNG text has no motive.request)");
            var edit = EditJson.Parse(json, what);
            return Results.Json(EditJson.ToNode(edit), Api.Json);
        }).Describe(new("restoreRequest", "images", "The edit request a result.png was made by (its PNG text)")
        {
            Body = new(ApiMedia.Multipart, ApiSchema.Binary),
            Answers = [new(200, "The request, every default filled in", [(ApiMedia.Json, ApiSchema.EditRequest)]), BadRequest, TooLarge],
        }).DisableAntiforgery();
    }
}
