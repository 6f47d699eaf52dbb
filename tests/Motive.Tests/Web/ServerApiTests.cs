using System.Net;
using System.Text.Json.Nodes;
using Motive.IO.Images;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Motive.Web;

namespace Motive.Tests.Web;

/// <summary>
/// `motive serve` on loopback, through its HTTP API as a client sees it: every endpoint on the embedded model, the
/// toy world's truth for what the previews show, and the refusals (each one problem+json line and a 4xx).
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class ServerApiTests
{
    private static readonly Scene Scene1 = SceneGenerator.Generate(1, 128, 128);

    /// <summary>The front object of toy scene 1: its centre and its visible mask.</summary>
    private static (int X, int Y, bool[] Mask) Front()
    {
        var o = Scene1.Objects[^1];
        return ((int)Math.Round(o.X), (int)Math.Round(o.Y), SceneRenderer.Render(Scene1).Visible(Scene1.Objects.Count - 1));
    }

    [Fact]
    public async Task Methods_Scenes_Uploads_AndTheOpenApiDocument()
    {
        await using var h = await ServerHarness.Start();
        var info = JsonNode.Parse(await h.Client.GetStringAsync("api/v1/methods"))!;
        Assert.Equal(["motion-guidance", "drag", "guide-and-rescale", "prompt-to-prompt", "classifier-guidance", "warp-inpaint"], info["methods"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
        Assert.Equal(new Motive.Methods.MotionGuidance.MotionGuidanceMethod().Defaults(null).Steps, info["methods"]![0]!["defaults"]!["steps"]!.GetValue<int>());   // the embedded model's preset
        Assert.Contains("ours_nonstyle_best", info["methods"]![2]!["presets"]!.AsArray().Select(p => p!.GetValue<string>()));

        var scene = await h.Scene(1);
        Assert.Equal(Captions.Of(Scene1), scene["caption"]!.GetValue<string>());
        var png = await h.Client.GetByteArrayAsync(scene["url"]!.GetValue<string>().TrimStart('/'));
        var served = ImageReader.Decode("served", png);
        Assert.Equal(SceneRenderer.Render(Scene1).ToRgb().Pixels, served.Pixels);

        var up = await h.Upload(png, "scene.png");
        Assert.StartsWith("img_", up["id"]!.GetValue<string>());
        Assert.Equal(128, up["width"]!.GetValue<int>());

        var doc = JsonNode.Parse(await h.Client.GetStringAsync("openapi/v1.json"))!;
        foreach (var path in new[] { "/api/v1/images", "/api/v1/jobs", "/api/v1/jobs/{id}/events", "/api/v1/preview/warp", "/api/v1/methods" })
            Assert.True(doc["paths"]![path] is not null, $"the OpenAPI document lacks {path}");
        var page = await h.Client.GetStringAsync("");
        Assert.Contains("<script type=\"module\" src=\"/editor.js\">", page);
        Assert.Contains("EventSource", await h.Client.GetStringAsync("editor.js"));
    }

    [Fact]
    public async Task Previews_ShowTheClickedObjectMovedExactly()
    {
        await using var h = await ServerHarness.Start();
        var id = (await h.Scene(1))["id"]!.GetValue<string>();
        var (x, y, mask) = Front();
        var ask = $$$"""{"image": "{{{id}}}", "motion": {"strokes": [{"kind": "translate", "dx": 12, "dy": 0}], "region": "click:{{{x}}},{{{y}}}"}}""";
        var flow = await h.Post("api/v1/preview/flow", ask, 200);
        // The click selects the object: its region against the object's true visible mask.
        var region = ImageReader.Decode("region", Convert.FromBase64String(flow["region"]!.GetValue<string>().Split(',')[1]));
        int both = 0, either = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            bool inRegion = region.Pixels[3 * i] > 0;
            both += inRegion && mask[i] ? 1 : 0;
            either += inRegion || mask[i] ? 1 : 0;
        }
        Assert.True(both / (double)either > 0.8, $"the clicked region covers the object with IoU {both / (double)either:0.00}");
        Assert.All(flow["arrows"]!.AsArray(), a => Assert.Equal(12f, a![2]!.GetValue<float>()));

        using var r = await h.Client.PostAsync("api/v1/preview/warp", ServerHarness.Json(ask));
        Assert.Equal("image/png", r.Content.Headers.ContentType!.MediaType);
        var warped = ImageReader.Decode("warp", await r.Content.ReadAsByteArrayAsync());
        var source = SceneRenderer.Render(Scene1).ToRgb();
        // Every object pixel lands 12 px to the right, unchanged.
        int moved = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (region.Pixels[3 * i] == 0 || i % 128 + 12 >= 128) continue;
            for (int c = 0; c < 3; c++) Assert.Equal(source.Pixels[3 * i + c], warped.Pixels[3 * (i + 12) + c]);
            moved++;
        }
        Assert.True(moved > 200, $"only {moved} pixels moved");
    }

    [Fact]
    public async Task AnEdit_StreamsProgressWithPreviews_ThenItsFiles_AndItsPngRestoresTheRequest()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { PreviewEvery = 1 });
        var id = (await h.Scene(1))["id"]!.GetValue<string>();
        var (x, y, _) = Front();
        using var submitted = await h.Client.PostAsync("api/v1/jobs", ServerHarness.Json(ServerHarness.MoveRequest(id, x, y, 10, Captions.Of(Scene1))));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!;
        var jid = job["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/jobs/{jid}", submitted.Headers.Location!.ToString());

        var events = await ReadEvents(h, jid);
        Assert.Equal("end", events[^1].Name);
        Assert.Equal("done", events[^1].Data["job"]!["state"]!.GetValue<string>());
        var moves = events.Where(e => e.Data["job"]!["phase"]?.GetValue<string>() == "move").Select(e => e.Data["job"]!["step"]!.GetValue<int>()).ToList();
        Assert.True(moves.Count >= 2 && moves.SequenceEqual(moves.Order()), $"move steps {string.Join(",", moves)}");
        Assert.Equal(4, events[^1].Data["job"]!["total"]!.GetValue<int>());
        var frames = events.Select(e => e.Data["preview"]?.GetValue<string>()).OfType<string>().ToList();
        Assert.NotEmpty(frames);
        var frame = ImageReader.Decode("frame", Convert.FromBase64String(frames[0].Split(',')[1]));
        Assert.Equal((128, 128), (frame.Width, frame.Height));

        var done = await h.Job(jid);
        Assert.Contains("result.png", done["files"]!.AsArray().Select(f => f!.GetValue<string>()));
        var result = await h.Client.GetByteArrayAsync($"api/v1/jobs/{jid}/files/result.png");
        Assert.Equal(128, ImageReader.Decode("result", result).Width);
        var run = JsonNode.Parse(await h.Client.GetStringAsync($"api/v1/jobs/{jid}/files/run.json"))!;
        Assert.Equal("motion-guidance", run["method"]!.GetValue<string>());
        Assert.Equal(4, run["settings"]!["steps"]!.GetValue<int>());

        using var form = new MultipartFormDataContent { { new ByteArrayContent(result), "file", "result.png" } };
        using var restored = await h.Client.PostAsync("api/v1/restore", form);
        var request = JsonNode.Parse(await restored.Content.ReadAsStringAsync())!;
        Assert.Equal(id, request["source"]!["image"]!.GetValue<string>());
        Assert.Equal($"click:{x},{y}", request["motion"]!["draw"]!["region"]!.GetValue<string>());
        // The restored request runs again as it is (its model is the server's own).
        var again = await h.Post("api/v1/jobs", request.ToJsonString(), 202);
        Assert.Equal("done", (await h.WaitEnded(again["id"]!.GetValue<string>()))["state"]!.GetValue<string>());
        Assert.Equal(result, await h.Client.GetByteArrayAsync($"api/v1/jobs/{again["id"]}/files/result.png"));

        using var late = await h.Client.DeleteAsync($"api/v1/jobs/{jid}");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("already ended", await late.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EveryMethod_RunsThroughTheApi_OnItsUploads()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { PreviewEvery = 1 });
        var id = (await h.Scene(1))["id"]!.GetValue<string>();
        var (x, y, mask) = Front();
        using var maskPng = new MemoryStream();
        PngWriter.Encode(maskPng, new RgbImage(128, 128, mask.SelectMany(m => m ? new byte[] { 255, 255, 255 } : new byte[3]).ToArray()));
        var maskId = (await h.Upload(maskPng.ToArray(), "mask.png"))["id"]!.GetValue<string>();
        var caption = Captions.Of(Scene1);
        var requests = new Dictionary<string, string>
        {
            ["drag"] = $$$"""{"method": "drag", "image": "{{{id}}}", "mask": "{{{maskId}}}", "prompt": "{{{caption}}}", "drags": [{"x1": {{{x}}}, "y1": {{{y}}}, "x2": {{{x + 8}}}, "y2": {{{y}}}}], "settings": {"lora_steps": 2, "max_iterations": 2, "steps": 10}}""",
            ["guide-and-rescale"] = $$$"""{"method": "guide-and-rescale", "image": "{{{id}}}", "source_prompt": "{{{caption}}}", "target_prompt": "{{{caption.Replace("blue", "red")}}}", "settings": {"steps": 3}}""",
            ["prompt-to-prompt"] = $$$"""{"method": "prompt-to-prompt", "image": "{{{id}}}", "source_prompt": "{{{caption}}}", "target_prompt": "{{{caption.Replace("blue", "red")}}}", "settings": {"steps": 3, "inner_steps": 1}}""",
            ["classifier-guidance"] = """{"method": "classifier-guidance", "target": "red", "settings": {"steps": 3, "samples": 1, "scale": 10}}""",
            ["warp-inpaint"] = $$$"""{"method": "warp-inpaint", "image": "{{{id}}}", "prompt": "{{{caption}}}", "motion": {"draw": {"strokes": [{"kind": "translate", "dx": 8, "dy": 0}], "region": "click:{{{x}}},{{{y}}}"}}, "settings": {"steps": 3}}""",
        };
        foreach (var (method, json) in requests)
        {
            var job = await h.Post("api/v1/jobs", json, 202);
            var end = await h.WaitEnded(job["id"]!.GetValue<string>());
            Assert.True(end["state"]!.GetValue<string>() == "done", $"{method}: {end}");
            Assert.Equal(method, end["method"]!.GetValue<string>());
            if (method is "guide-and-rescale" or "warp-inpaint") Assert.True(end["has_preview"]!.GetValue<bool>(), $"{method} sent no preview frame");
            if (method == "classifier-guidance")
                Assert.InRange(JsonNode.Parse(await h.Client.GetStringAsync($"api/v1/jobs/{job["id"]}/files/metrics.json"))!["classifier_target_fraction"]!.GetValue<double>(), 0, 1);
            var run = JsonNode.Parse(await h.Client.GetStringAsync($"api/v1/jobs/{job["id"]}/files/run.json"))!;
            Assert.Equal(method, run["method"]!.GetValue<string>());
            Assert.Equal(128, ImageReader.Decode("result", await h.Client.GetByteArrayAsync($"api/v1/jobs/{job["id"]}/files/result.png")).Width);
        }
    }

    [Fact]
    public async Task Cors_IsOff_UnlessAnOriginIsConfigured()
    {
        static HttpRequestMessage Preflight() => new(HttpMethod.Options, "api/v1/jobs")
        {
            Headers = { { "Origin", "http://example.test" }, { "Access-Control-Request-Method", "POST" } },
        };
        await using (var closed = await ServerHarness.Start())
        {
            using var r = await closed.Client.SendAsync(Preflight());
            Assert.False(r.Headers.Contains("Access-Control-Allow-Origin"));
        }
        await using var open = await ServerHarness.Start(new ServeOptions { CorsOrigins = ["http://example.test"] });
        using var allowed = await open.Client.SendAsync(Preflight());
        Assert.Equal("http://example.test", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Cancel_StopsARunningJob_AndShutdownLeavesNoPartialResults()
    {
        using var data = new TempDir();
        await using var h = await ServerHarness.Start(new ServeOptions { DataDir = data.Path });
        var id = (await h.Scene(1))["id"]!.GetValue<string>();
        var (x, y, _) = Front();
        var first = (await h.Post("api/v1/jobs", ServerHarness.MoveRequest(id, x, y, 10, "a scene", steps: 200), 202))["id"]!.GetValue<string>();
        var second = (await h.Post("api/v1/jobs", ServerHarness.MoveRequest(id, x, y, 10, "a scene", steps: 200), 202))["id"]!.GetValue<string>();
        while ((await h.Job(first))["step"]!.GetValue<int>() < 2) await Task.Delay(50);
        using (var c = await h.Client.DeleteAsync($"api/v1/jobs/{first}")) Assert.Equal(HttpStatusCode.Accepted, c.StatusCode);
        Assert.Equal("cancelled", (await h.WaitEnded(first))["state"]!.GetValue<string>());
        while ((await h.Job(second))["state"]!.GetValue<string>() != "running") await Task.Delay(50);
        using (var files = await h.Client.GetAsync($"api/v1/jobs/{first}/files/result.png")) Assert.Equal(HttpStatusCode.Conflict, files.StatusCode);

        await h.Server.DisposeAsync();   // while the second runs
        Assert.Equal(Motive.Methods.Editing.EditJobState.Cancelled, h.Server.Context.Runner.Get(second)!.State);
        var left = Directory.EnumerateFileSystemEntries(Path.Combine(data.Path, "results")).ToList();
        Assert.True(left.Count == 0, "left behind: " + string.Join(", ", left));
    }

    /// <summary>A job over the server's memory limit is refused when submitted (400, the estimate and the limit named), and nothing is queued.</summary>
    [Fact]
    public async Task AJobOverTheMemoryLimit_IsRefused()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { MaxMemoryMiB = 1 });
        var id = (await h.Upload(Png(128, 128), "square.png"))["id"]!.GetValue<string>();
        await Problem(h, await h.Client.PostAsync("api/v1/jobs", ServerHarness.Json(ServerHarness.MoveRequest(id, 10, 10, 5, "a cat"))), 400, "more than the 1 MiB allowed on cpu");
        var jobs = JsonNode.Parse(await h.Client.GetStringAsync("api/v1/jobs"))!;
        Assert.Empty(jobs is JsonArray a ? a : jobs["jobs"]!.AsArray());
    }

    [Fact]
    public async Task BadInput_IsOneProblemLine_WithA4xx()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { MaxUploadBytes = 64 << 10, MaxImageSide = 100, MaxJsonBytes = 4096 });
        var png = await h.Client.GetByteArrayAsync((await h.Scene(1))["url"]!.GetValue<string>().TrimStart('/'));
        var small = await h.Upload(Png(64, 48), "small.png");
        var img = small["id"]!.GetValue<string>();

        await Problem(h, await Multipart(h, new byte[100 << 10], "big.png"), 413, "at most");
        await Problem(h, await Multipart(h, "hello"u8.ToArray(), "notes.txt"), 400, "not a PNG, JPEG or BMP");
        await Problem(h, await Multipart(h, png[..(png.Length / 2)], "cut.png"), 400, "cut.png");
        await Problem(h, await Multipart(h, png, "scene.png"), 400, "at most 100 px");
        await Problem(h, await h.Client.PostAsync("api/v1/images", ServerHarness.Json("{}")), 400, "multipart/form-data");
        await Problem(h, await h.Client.PostAsync("api/v1/jobs", ServerHarness.Json("""{"method": "paint"}""")), 400, "unknown method 'paint'");
        await Problem(h, await h.Client.PostAsync("api/v1/jobs", ServerHarness.Json("""{"method": "motion-guidance", """)), 400, "not valid JSON");
        await Problem(h, await h.Client.PostAsync("api/v1/jobs", ServerHarness.Json("[" + new string(' ', 5000) + "]")), 413, "at most 4096 bytes");
        await Problem(h, await h.Client.PostAsync("api/v1/jobs", ServerHarness.Json(ServerHarness.MoveRequest("/etc/passwd", 1, 1, 5, "x"))), 400, "not an uploaded image id");
        var withModel = ServerHarness.MoveRequest(img, 1, 1, 5, "x").Replace("\"prompt\"", "\"model\": {\"path\": \"/tmp\"}, \"prompt\"");
        await Problem(h, await h.Client.PostAsync("api/v1/jobs", ServerHarness.Json(withModel)), 400, "leave \\\"model\\\" out");
        var steps0 = ServerHarness.MoveRequest(img, 1, 1, 5, "x", steps: 0);
        await Problem(h, await h.Client.PostAsync("api/v1/jobs", ServerHarness.Json(steps0)), 400, "steps");
        await Problem(h, await h.Client.GetAsync("api/v1/jobs/nope"), 404, "no job 'nope'");
        await Problem(h, await h.Client.DeleteAsync("api/v1/jobs/nope"), 404, "no job 'nope'");
        await Problem(h, await h.Client.GetAsync("api/v1/images/../../etc/passwd"), 404, "");
        await Problem(h, await h.Client.GetAsync("api/v1/nothing"), 404, "no API route");
        var nan = $$$"""{"image": "{{{img}}}", "motion": {"strokes": [{"kind": "translate", "dx": "NaN", "dy": 0}]}}""";
        await Problem(h, await h.Client.PostAsync("api/v1/preview/warp", ServerHarness.Json(nan)), 400, "finite");
    }

    [Fact]
    public async Task AFullQueue_Answers429_WithRetryAfter()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { QueueCapacity = 1 });
        var id = (await h.Scene(1))["id"]!.GetValue<string>();
        var long1 = ServerHarness.MoveRequest(id, 10, 10, 5, "x", steps: 300);
        var first = (await h.Post("api/v1/jobs", long1, 202))["id"]!.GetValue<string>();
        while ((await h.Job(first))["state"]!.GetValue<string>() != "running") await Task.Delay(20);
        var second = (await h.Post("api/v1/jobs", long1, 202))["id"]!.GetValue<string>();
        using var third = await h.Client.PostAsync("api/v1/jobs", ServerHarness.Json(long1));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Contains("queue is full", await third.Content.ReadAsStringAsync());
        foreach (var j in new[] { second, first }) (await h.Client.DeleteAsync($"api/v1/jobs/{j}")).Dispose();
        Assert.Equal("cancelled", (await h.WaitEnded(second))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task OffLoopback_NeedsAToken_AndATokenGuardsEveryApiCall()
    {
        var open = Assert.Throws<ArgumentException>(() => new ServeOptions { Host = "0.0.0.0" }.Validate());
        Assert.Contains("token", open.Message);
        const string token = "a-token-of-twenty-chars";
        await using var h = await ServerHarness.Start(new ServeOptions { Token = token });
        using var anonymous = new HttpClient { BaseAddress = h.Server.Url };
        await Problem(h, await anonymous.GetAsync("api/v1/methods"), 401, "bearer token");
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "wrong-token-of-twenty-chars");
        await Problem(h, await anonymous.GetAsync("api/v1/methods"), 401, "bearer token");
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("api/v1/methods")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"api/v1/methods?access_token={token}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("")).StatusCode);   // the page itself; it sends the token it is given
    }

    internal sealed record Event(string Name, JsonNode Data);

    internal static async Task<List<Event>> ReadEvents(ServerHarness h, string job)
    {
        using var stream = await h.Client.GetStreamAsync($"api/v1/jobs/{job}/events");
        using var reader = new StreamReader(stream);
        var list = new List<Event>();
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) list.Add(new Event(name!, JsonNode.Parse(line[6..])!));
        }
        return list;
    }

    private static async Task<HttpResponseMessage> Multipart(ServerHarness h, byte[] data, string name)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(data), "file", name } };
        return await h.Client.PostAsync("api/v1/images", form);
    }

    private static async Task Problem(ServerHarness h, HttpResponseMessage r, int status, string text)
    {
        using (r)
        {
            var body = await r.Content.ReadAsStringAsync();
            Assert.True((int)r.StatusCode == status, $"{r.RequestMessage!.Method} {r.RequestMessage.RequestUri}: {(int)r.StatusCode} {body}");
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            Assert.True(body.Contains(text, StringComparison.Ordinal), $"expected \"{text}\" in {body}");
            Assert.DoesNotContain("   at ", body);
        }
        Assert.DoesNotContain("failed (", h.Log.ToString());   // nothing reached the 500 path
    }

    private static byte[] Png(int w, int h)
    {
        using var s = new MemoryStream();
        PngWriter.Encode(s, new RgbImage(w, h, new byte[w * h * 3]));
        return s.ToArray();
    }
}
