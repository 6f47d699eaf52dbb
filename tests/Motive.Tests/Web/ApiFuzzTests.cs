using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Motive.Tests.Support;
using Motive.ToyWorld.Scenes;
using Motive.Web;
using Xunit.Abstractions;

namespace Motive.Tests.Web;

/// <summary>
/// A schema-driven fuzzer against a real server: requests made from the served document's own schemas and broken
/// (<see cref="SchemaFuzzer"/>), raw garbage, deep nesting, oversized bodies, path traversal in ids and file names.
/// Every answer is 2xx or a 4xx problem+json, never 5xx; every body the schema rejects the server rejects too, with
/// 400 (or 413 for size); afterwards the server answers, wrote nothing outside its data folder, and a valid job
/// still runs to the end.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class ApiFuzzTests(ITestOutputHelper output)
{
    private const string Escape = "motive-fuzz-escape";

    [Fact]
    public async Task AThousandBrokenRequests_OnlyProblems_AndTheQueueStillWorks()
    {
        var home = Path.Combine(Path.GetTempPath(), $"motive-fuzz-{Guid.NewGuid():N}");
        var data = Path.Combine(home, "data");
        try
        {
            await using var h = await ServerHarness.Start(new ServeOptions { DataDir = data, QueueCapacity = 4 });
            var schemas = new ApiSchemas(JsonNode.Parse(await h.Client.GetStringAsync("openapi/v1.json"))!.AsObject());
            var image = (await h.Scene(1))["id"]!.GetValue<string>();
            var fuzzer = new SchemaFuzzer(image, new Random(46));
            var seen = new SortedDictionary<string, int>();
            var wrong = new List<string>();
            int sent = 0, rejectedBySchema = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();

            async Task Drain()
            {
                var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
                while (JsonNode.Parse(await h.Client.GetStringAsync("api/v1/jobs"))!.AsArray().Any(j => j!["state"]!.GetValue<string>() is "queued" or "running"))
                {
                    Assert.True(DateTime.UtcNow < until, "the cancelled jobs had not ended after 2 minutes: the queue is wedged");
                    await Task.Delay(50);
                }
            }

            // A full queue (429) answers before the request is read; then the request is sent again once the queue has drained.
            var unnamed = new List<string>();
            async Task<int> Send(Func<HttpRequestMessage> make, string what, bool? schemaRejects = null, string? field = null)
            {
                var message = make();
                var r = await h.Client.SendAsync(message);
                if (r.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                {
                    sent++;
                    seen["POST 429"] = seen.GetValueOrDefault("POST 429") + 1;
                    r.Dispose();
                    await Drain();
                    message = make();
                    r = await h.Client.SendAsync(message);
                }
                using var _ = r;
                var body = await r.Content.ReadAsStringAsync();
                int status = (int)r.StatusCode;
                sent++;
                var key = $"{message.Method} {status}";
                seen[key] = seen.GetValueOrDefault(key) + 1;
                if (status >= 500) wrong.Add($"{what}: {status} {body}");
                else if (status >= 400)
                {
                    // Kestrel itself refuses a NUL in the path (400, no body) before any handler sees the request.
                    if (status == 400 && message.RequestUri!.OriginalString.Contains("%00", StringComparison.Ordinal) && body.Length == 0) { }
                    else if (r.Content.Headers.ContentType?.MediaType != "application/problem+json" || JsonNode.Parse(body)?["detail"] is null)
                        wrong.Add($"{what}: {status} without problem+json: {body}");
                    else if (schemaRejects == true && status is not (400 or 413))
                        wrong.Add($"{what}: the schema rejects it, the server answered {status}");
                    else if (schemaRejects == true && status == 400 && field is not null && !JsonNode.Parse(body)!["detail"]!.GetValue<string>().Contains(field, StringComparison.Ordinal))
                        unnamed.Add($"{what}: {JsonNode.Parse(body)!["detail"]}");
                }
                else if (schemaRejects == true) wrong.Add($"{what}: the schema rejects it, the server accepted it ({status})");
                else if (status == 202 && message.RequestUri!.ToString().EndsWith("jobs", StringComparison.Ordinal))
                    await h.Client.DeleteAsync($"api/v1/jobs/{JsonNode.Parse(body)!["id"]}");   // a valid mutant: not left to run
                return status;
            }

            HttpRequestMessage Json(HttpMethod method, string path, string text, string type = "application/json") =>
                new(method, path) { Content = new StringContent(text, Encoding.UTF8, type) };

            // 1. Bodies from the schemas of every JSON operation, broken one value at a time.
            var targets = schemas.Component("EditRequest")["oneOf"]!.AsArray().Select(r => (Path: "api/v1/jobs", Component: r!["$ref"]!.GetValue<string>().Split('/')[^1]))
                .Concat([("api/v1/preview/flow", "MotionAsk"), ("api/v1/preview/warp", "MotionAsk"), ("api/v1/toy/scenes", "SceneAsk")]);
            foreach (var (path, component) in targets)
            {
                var (seed, slots) = fuzzer.Seed(schemas.Component(component));
                foreach (var (what, instance) in fuzzer.Mutants(seed, slots))
                {
                    bool rejects = schemas.Errors(component, instance).Count > 0;
                    rejectedBySchema += rejects ? 1 : 0;
                    // The field the answer must name: the broken one's own name (an unknown field's, when one was added).
                    var field = what.Contains("unknown field", StringComparison.Ordinal) ? "fuzz_unknown_field"
                        : what.Split(':')[0] is var at && at != "the body" && !what.Contains("left out", StringComparison.Ordinal) ? at.Split('.')[^1] : null;
                    await Send(() => Json(HttpMethod.Post, path, instance?.ToJsonString() ?? "null"), $"{component} {what}", rejects, field is null || int.TryParse(field, out _) ? null : field);
                }
            }

            // 2. Raw garbage, deep nesting and oversized bodies at every JSON endpoint.
            var random = new Random(7);
            string[] garbage =
            [
                "", "null", "[]", "\"x\"", "42", "{", "{\"method\":", "{\"method\": \"motion-guidance\",}", "{'method': 'drag'}",
                new string('[', 5000) + new string(']', 5000), string.Concat(Enumerable.Repeat("{\"a\":", 300)) + "1" + new string('}', 300),
                "{\"method\": \"" + new string('m', 100_000) + "\"}", "\uFEFF{\"method\": \"drag\"}", "{\"method\": \"drag\", \"method\": \"gar\"}",
            ];
            foreach (var path in new[] { "api/v1/jobs", "api/v1/preview/flow", "api/v1/preview/warp", "api/v1/toy/scenes" })
            {
                foreach (var g in garbage) await Send(() => Json(HttpMethod.Post, path, g), $"{path} garbage {g[..Math.Min(g.Length, 20)]}");
                for (int i = 0; i < 20; i++)
                {
                    var bytes = new byte[random.Next(1, 4096)];
                    random.NextBytes(bytes);
                    await Send(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } }, $"{path} random bytes");
                }
                await Send(() => Json(HttpMethod.Post, path, "{\"seed\": 1}", "text/plain"), $"{path} as text/plain");
                await Send(() => Json(HttpMethod.Post, path, "{\"x\": \"" + new string('x', 2 << 20) + "\"}"), $"{path} 2 MiB");
            }

            // 3. Uploads: no form, an empty file, garbage as a picture, a traversing file name (its name is never a path).
            var png = await h.Client.GetByteArrayAsync($"api/v1/images/{image}");
            foreach (var (bytes, name) in new[] { ((byte[])[], "empty.png"), (Encoding.UTF8.GetBytes("not a picture"), "x.png"), (png[..100], "cut.png"), (png, $"../../{Escape}.png") })
            {
                var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", name } };
                await Send(() => new HttpRequestMessage(HttpMethod.Post, "api/v1/images") { Content = form }, $"upload {name}");
                await Send(() => new HttpRequestMessage(HttpMethod.Post, "api/v1/restore") { Content = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", name } } }, $"restore {name}");
            }
            await Send(() => Json(HttpMethod.Post, "api/v1/images", "{}"), "upload without a form");
            await Send(() => new HttpRequestMessage(HttpMethod.Post, "api/v1/images") { Content = new MultipartFormDataContent { { new StringContent("x"), "other" } } }, "upload without the file field");

            // 4. Ids and file names that try to leave their folders, or are nothing the server gave.
            string[] ids = ["..", "../..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f" + Escape, "img_0000000000000000", new string('a', 300), "%00", "img_..%5C..%5C" + Escape];
            foreach (var bad in ids)
            {
                await Send(() => new HttpRequestMessage(HttpMethod.Get, $"api/v1/jobs/{bad}"), $"job {bad}");
                await Send(() => new HttpRequestMessage(HttpMethod.Delete, $"api/v1/jobs/{bad}"), $"cancel {bad}");
                await Send(() => new HttpRequestMessage(HttpMethod.Get, $"api/v1/jobs/{bad}/events"), $"events {bad}");
                await Send(() => new HttpRequestMessage(HttpMethod.Get, $"api/v1/jobs/{bad}/preview.png"), $"preview {bad}");
                await Send(() => new HttpRequestMessage(HttpMethod.Get, $"api/v1/images/{bad}"), $"image {bad}");
                await Send(() => new HttpRequestMessage(HttpMethod.Get, $"api/v1/{bad}"), $"route {bad}");
            }

            output.WriteLine($"fuzz: {sent} requests ({rejectedBySchema} bodies the schema rejects) in {clock.Elapsed.TotalSeconds:0} s; statuses: {string.Join(", ", seen.Select(s => $"{s.Key} ×{s.Value}"))}");

            // 5. The jobs the valid mutants started (each cancelled at once) all end; then a valid job runs to the end, and its files cannot be escaped from.
            await Drain();
            var scene = SceneGenerator.Generate(1, 128, 128);
            var job = await h.Post("api/v1/jobs", ServerHarness.MoveRequest(image, (int)scene.Objects[^1].X, (int)scene.Objects[^1].Y, 8, Captions.Of(scene), steps: 2), 202);
            var id = job["id"]!.GetValue<string>();
            var end = await h.WaitEnded(id);
            Assert.Equal("done", end["state"]!.GetValue<string>());
            foreach (var name in new[] { "..%2Frun.json", "..%2F..%2F" + Escape, ".hidden.png", "%2Fetc%2Fpasswd", "result.png%00.txt", new string('r', 200) + ".png" })
                await Send(() => new HttpRequestMessage(HttpMethod.Get, $"api/v1/jobs/{id}/files/{name}"), $"file {name}");
            Assert.Equal(200, await Send(() => new HttpRequestMessage(HttpMethod.Get, $"api/v1/jobs/{id}/files/result.png"), "the valid job's result"));
            Assert.Equal(200, await Send(() => new HttpRequestMessage(HttpMethod.Get, "api/v1/methods"), "the server, after"));

            Assert.True(sent >= 1000, $"only {sent} requests");
            Assert.True(unnamed.Count == 0, $"{unnamed.Count} answers to a broken field did not name it:\n{string.Join("\n", unnamed.Take(20))}");
            Assert.True(wrong.Count == 0, $"{wrong.Count} wrong answers:\n{string.Join("\n", wrong.Take(30).Select(w => w.Length > 400 ? w[..400] : w))}");
            // Nothing was written beside the data folder (its parent holds only it), nor as the traversing names anywhere near.
            Assert.Equal([data], Directory.GetFileSystemEntries(home));
            Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), Escape + "*", new EnumerationOptions { RecurseSubdirectories = false }));
            Assert.Empty(Directory.EnumerateFiles(Fixtures.RepoRoot, Escape + "*", SearchOption.TopDirectoryOnly));
        }
        finally
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { }
        }
    }
}
