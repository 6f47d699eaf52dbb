using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Motive.IO;
using Motive.IO.Images;
using Motive.IO.Json;
using Motive.Methods.Editing;
using Motive.Models.Flow;
using Motive.Models.Runtime;
using Motive.Web.OpenApi;
using TorchSharp;
using static Motive.Web.OpenApi.ApiOperations;

namespace Motive.Web.Endpoints;

/// <summary>
/// What a motion will do, in milliseconds and without a model: the target flow a motion description makes on an
/// uploaded picture (as arrows and its region), and the picture forward-warped by it.
/// </summary>
public static class PreviewEndpoints
{
    /// <summary>An uploaded picture and a motion, as a Motion Guidance request's "motion.draw" says it.</summary>
    public sealed record MotionAsk(string Image, MotionSpec Motion);

    /// <summary>Arrows (x, y, dx, dy) every <paramref name="Spacing"/> px where something moves; the region as a PNG data URL.</summary>
    public sealed record FlowAnswer(int Width, int Height, int Spacing, long MovingPixels, IReadOnlyList<float[]> Arrows, string Region);

    /// <summary>Nulls and left-out fields refused as a request's are (<see cref="EditJson.Options"/>).</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Strict = new(MotiveJson.Options) { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    public static void Map(RouteGroupBuilder api, ServerContext s)
    {
        api.MapPost("/preview/warp", async (HttpRequest request) =>
        {
            var (image, flow) = await Flow(request, s);
            using var png = new MemoryStream();
            PngWriter.Encode(png, new RgbImage(image.Width, image.Height, ForwardSplat.Interleaved(image.Pixels, flow, image.Width, image.Height)));
            return Results.Bytes(png.ToArray(), "image/png");
        }).Describe(new("previewWarp", "previews", "The picture forward-warped by a motion (PNG): where things go, before the slow run")
        {
            Body = new(ApiMedia.Json, ApiSchema.Body(typeof(MotionAsk))),
            Answers = [ApiAnswer.Png("The warped picture"), BadRequest, TooLarge],
        });

        api.MapPost("/preview/flow", async (HttpRequest request) =>
        {
            var (image, flow) = await Flow(request, s);
            return Results.Json(Describe(image.Width, image.Height, flow), Api.Json);
        }).Describe(new("previewFlow", "previews", "The target flow of a motion: arrows and the region that moves")
        {
            Body = new(ApiMedia.Json, ApiSchema.Body(typeof(MotionAsk))),
            Answers = [ApiAnswer.Json(200, "The flow's arrows and region", typeof(FlowAnswer)), BadRequest, TooLarge],
        });
    }

    private static async Task<(RgbImage Image, float[] Flow)> Flow(HttpRequest request, ServerContext s)
    {
        var text = await Bodies.ReadJson(request, s.Options.MaxJsonBytes, request.HttpContext.RequestAborted);
        var ask = MotiveJson.Parse<MotionAsk>(text, "the request body", Strict);
        if (ask.Image is null || ask.Motion is null) throw new ArgumentException("the request body needs \"image\" (an upload id) and \"motion\" (strokes and a region)");
        var image = ImageReader.Read(s.Uploads.Resolve(ask.Image, InputKind.Image));
        var flow = QuietGc.Beside(() =>
        {
            using var scope = torch.NewDisposeScope();
            using var f = ask.Motion.Build(image.Height, image.Width, () => image, name => ImageReader.Read(s.Uploads.Resolve(name, InputKind.Mask)));
            return f.contiguous().data<float>().ToArray();
        });
        return (image, flow);
    }

    private static FlowAnswer Describe(int w, int h, float[] flow)
    {
        int n = w * h, spacing = Math.Max(4, Math.Max(w, h) / 24);
        var arrows = new List<float[]>();
        var region = new byte[3 * n];
        long moving = 0;
        for (int i = 0; i < n; i++)
        {
            if (flow[i] == 0 && flow[n + i] == 0) continue;
            moving++;
            region[3 * i] = region[3 * i + 1] = region[3 * i + 2] = 255;
            int x = i % w, y = i / w;
            if (x % spacing == spacing / 2 && y % spacing == spacing / 2) arrows.Add([x, y, flow[i], flow[n + i]]);
        }
        using var png = new MemoryStream();
        PngWriter.Encode(png, new RgbImage(w, h, region));
        return new FlowAnswer(w, h, spacing, moving, arrows, "data:image/png;base64," + Convert.ToBase64String(png.ToArray()));
    }
}
