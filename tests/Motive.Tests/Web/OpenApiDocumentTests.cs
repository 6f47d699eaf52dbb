using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Motive.Methods.Editing;
using Motive.Tests.Methods;
using Motive.Tests.Support;
using Motive.ToyWorld.Scenes;

namespace Motive.Tests.Web;

/// <summary>
/// The served /openapi/v1.json as a client generator reads it: every API operation typed (operationId, tag, body,
/// every status it answers, problem+json errors), one request schema per registered method made from its
/// description, and those schemas accept every request the project's own examples, docs and tests write, and the
/// request a finished job records.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public partial class OpenApiDocumentTests
{
    public static readonly string[] Operations =
    [
        "uploadImage", "getImage", "drawToyScene", "restoreRequest", "listMethods", "previewWarp", "previewFlow",
        "submitJob", "listJobs", "getJob", "cancelJob", "getJobPreview", "getJobFile", "streamJobEvents",
    ];

    [Fact]
    public async Task EveryOperation_IsTyped_WithItsRealStatuses()
    {
        await using var h = await ServerHarness.Start();
        var doc = JsonNode.Parse(await h.Client.GetStringAsync("openapi/v1.json"))!.AsObject();
        Assert.Equal("3.1.1", doc["openapi"]!.GetValue<string>());
        var ops = doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(v => (Path: p.Key, Verb: v.Key, Op: v.Value!.AsObject()))).ToList();
        Assert.Equal(Operations.Order(), ops.Select(o => o.Op["operationId"]!.GetValue<string>()).Order());
        foreach (var (path, verb, op) in ops)
        {
            Assert.StartsWith("/api/v1/", path);
            Assert.Single(op["tags"]!.AsArray());
            var statuses = op["responses"]!.AsObject().Select(r => int.Parse(r.Key)).ToList();
            Assert.Contains(statuses, s => s is >= 200 and < 300);
            Assert.Contains(401, statuses);
            foreach (var (code, answer) in op["responses"]!.AsObject().Where(r => r.Key[0] == '4'))
                Assert.True(answer!["content"]!["application/problem+json"] is not null, $"{verb} {path} {code} is not problem+json");
        }
        Assert.Equal(202, Status(doc, "/api/v1/jobs", "post", 202));
        Assert.Equal(429, Status(doc, "/api/v1/jobs", "post", 429));
        Assert.Equal("multipart/form-data", doc["paths"]!["/api/v1/images"]!["post"]!["requestBody"]!["content"]!.AsObject().Single().Key);
        Assert.Equal("http", doc["components"]!["securitySchemes"]!["bearer"]!["type"]!.GetValue<string>());

        // One schema per registered method, picked by "method", with the description's ranges, choices and the server's defaults.
        var schemas = new ApiSchemas(doc);
        var mapping = schemas.Component("EditRequest")["discriminator"]!["mapping"]!.AsObject();
        Assert.Equal(EditMethods.All.Select(m => m.Name), mapping.Select(m => m.Key));
        var mg = schemas.Component("MotionGuidanceRequest");
        Assert.Equal("motion-guidance", mg["properties"]!["method"]!["const"]!.GetValue<string>());
        var steps = mg["properties"]!["settings"]!["properties"]!["steps"]!;
        Assert.Equal(1000, steps["maximum"]!.GetValue<double>());
        Assert.Equal(new Motive.Methods.MotionGuidance.MotionGuidanceMethod().Defaults(null).Steps, steps["default"]!.GetValue<int>());   // the embedded model's preset, as GET /methods says
        var gar = schemas.Component("GarRequest");
        Assert.Equal(["image", "source_prompt", "target_prompt"], gar["required"]!.AsArray().Select(r => r!.GetValue<string>()).Where(r => r != "method").Order());
        Assert.Contains("ours_nonstyle_best", gar["properties"]!["settings"]!["properties"]!["preset"]!["enum"]!.AsArray().Select(v => v?.GetValue<string>()));
    }

    private static int Status(JsonObject doc, string path, string verb, int status) =>
        doc["paths"]![path]![verb]!["responses"]![status.ToString()] is not null ? status : 0;

    [Fact]
    public async Task MethodSchemas_AcceptEveryRequestTheProjectWrites()
    {
        await using var h = await ServerHarness.Start();
        var schemas = new ApiSchemas(JsonNode.Parse(await h.Client.GetStringAsync("openapi/v1.json"))!.AsObject());
        var requests = ProjectRequests().ToList();
        // A finished job's run.json: the request with every default filled in.
        var scene = SceneGenerator.Generate(1, 128, 128);
        var image = (await h.Scene(1))["id"]!.GetValue<string>();
        var job = await h.Post("api/v1/jobs", ServerHarness.MoveRequest(image, (int)scene.Objects[^1].X, (int)scene.Objects[^1].Y, 8, Captions.Of(scene), steps: 2), 202);
        var done = await h.WaitEnded(job["id"]!.GetValue<string>());
        Assert.Equal("done", done["state"]!.GetValue<string>());
        requests.Add(("a finished job's run.json", JsonNode.Parse(await h.Client.GetStringAsync($"api/v1/jobs/{job["id"]}/files/run.json"))!));

        Assert.True(requests.Count >= 15, $"only {requests.Count} requests found");
        foreach (var m in EditMethods.All.Where(m => m.Name is "motion-guidance" or "drag" or "guide-and-rescale"))
            Assert.Contains(requests, r => r.Request["method"]!.GetValue<string>() == m.Name);
        foreach (var (where, request) in requests)
        {
            var json = request.DeepClone().AsObject();
            json.Remove(EditJson.VersionKey);
            json.Remove(EditJson.ResultKey);
            var errors = schemas.RequestErrors(json);
            Assert.True(errors.Count == 0, $"{where}: {json.ToJsonString()} breaks its schema: {string.Join("; ", errors)}");
        }
    }

    /// <summary>Every request JSON in examples/, the docs' and README's code blocks, and the tests' own request lists.</summary>
    public static IEnumerable<(string Where, JsonNode Request)> ProjectRequests()
    {
        var root = Fixtures.RepoRoot;
        var manifest = Path.Combine(root, "examples", "batch", "manifest.jsonl");
        foreach (var (line, i) in File.ReadLines(manifest).Select((l, i) => (l, i)).Where(l => l.l.Trim().Length > 0))
        {
            var item = JsonNode.Parse(line)!.AsObject();
            item.Remove("id");   // the batch's name of the item, not a request field
            yield return ($"{manifest}:{i + 1}", item);
        }
        yield return ("examples/batch/sweep.json base", JsonNode.Parse(File.ReadAllText(Path.Combine(root, "examples", "batch", "sweep.json")))!["base"]!.DeepClone());
        foreach (var doc in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md")))
            foreach (Match block in JsonBlock().Matches(File.ReadAllText(doc)))
                foreach (var (obj, n) in Objects(block.Groups[1].Value).Select((o, n) => (o, n)))
                    if (obj["method"] is not null) yield return ($"{Path.GetFileName(doc)} json block object {n + 1}", obj);
        foreach (var row in EditRequestTests.Requests) yield return ("EditRequestTests.Requests", JsonNode.Parse(row)!);
        yield return ("ServerHarness.MoveRequest", JsonNode.Parse(ServerHarness.MoveRequest("img_0123456789abcdef", 40, 80, 8, "a square"))!);
    }

    /// <summary>The JSON objects one after another in a code block (the docs write several per block).</summary>
    private static IEnumerable<JsonObject> Objects(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var reader = new System.Text.Json.Utf8JsonReader(bytes, new System.Text.Json.JsonReaderOptions { AllowMultipleValues = true, CommentHandling = System.Text.Json.JsonCommentHandling.Skip });
        var found = new List<JsonObject>();
        while (reader.Read())
            if (JsonNode.Parse(ref reader) is JsonObject o) found.Add(o);
        return found;
    }

    [GeneratedRegex(@"```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
