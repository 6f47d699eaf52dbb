using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Motive.Web;

namespace Motive.Tests.Web;

/// <summary>A real `motive serve` on a free loopback port (the embedded model), and a client for it.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    private ServerHarness(MotiveServer server, HttpClient client, StringWriter log)
    {
        Server = server;
        Client = client;
        Log = log;
    }

    public MotiveServer Server { get; }
    public HttpClient Client { get; }
    public StringWriter Log { get; }

    public static async Task<ServerHarness> Start(ServeOptions? options = null)
    {
        var log = new StringWriter();
        var server = await MotiveServer.StartAsync((options ?? new ServeOptions()) with { Port = 0 }, log);
        var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(3) };
        if (options?.Token is { } t) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t);
        return new ServerHarness(server, client, log);
    }

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public async Task<JsonObject> Post(string path, string json, int expect)
    {
        using var r = await Client.PostAsync(path, Json(json));
        var body = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == expect, $"POST {path}: {(int)r.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonObject> Upload(byte[] data, string name, int expect = 201)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(data), "file", name } };
        using var r = await Client.PostAsync("api/v1/images", form);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == expect, $"upload {name}: {(int)r.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonObject> Scene(int seed) => await Post("api/v1/toy/scenes", $"{{\"seed\": {seed}}}", 201);

    /// <summary>A short Motion Guidance request on an uploaded picture: the region clicked at (x, y) moved by (dx, 0).</summary>
    public static string MoveRequest(string image, int x, int y, int dx, string prompt, int steps = 4) =>
        $$$"""{"method": "motion-guidance", "source": {"kind": "image", "image": "{{{image}}}"}, "motion": {"draw": {"strokes": [{"kind": "translate", "dx": {{{dx}}}, "dy": 0}], "region": "click:{{{x}}},{{{y}}}"}}, "prompt": "{{{prompt}}}", "settings": {"steps": {{{steps}}}, "recursions": 1}}""";

    public async Task<JsonObject> Job(string id)
    {
        var text = await Client.GetStringAsync($"api/v1/jobs/{id}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Polls until the job has ended; its last view.</summary>
    public async Task<JsonObject> WaitEnded(string id, TimeSpan? limit = null)
    {
        var until = DateTime.UtcNow + (limit ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            var j = await Job(id);
            if (j["state"]!.GetValue<string>() is "done" or "failed" or "cancelled") return j;
            if (DateTime.UtcNow > until) throw new TimeoutException($"job {id} still {j["state"]} after the limit");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
