using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Motive.Web;
using Xunit.Abstractions;

namespace Motive.Tests.Web;

/// <summary>
/// Eight clients on loopback for a minute, submitting short edits, polling them and cancelling every third: every
/// job the server accepted ends done, cancelled or failed with a reason, none is lost, a full queue answers 429,
/// and the server's memory stays flat while old results are pruned.
/// </summary>
[Collection(SerialCollection.Name)]
[Trait(Tier.Category, Tier.Integration)]
public class ServerLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EightClients_ForAMinute_LoseNothing_AndMemoryStaysFlat()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { QueueCapacity = 4, KeepJobs = 12, PreviewEvery = 1 });
        var scene = SceneGenerator.Generate(1, 128, 128);
        var front = scene.Objects[^1];
        var image = (await h.Scene(1))["id"]!.GetValue<string>();
        var request = ServerHarness.MoveRequest(image, (int)front.X, (int)front.Y, 8, Captions.Of(scene), steps: 2);
        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();
        int refused = 0, cancelled = 0;
        var clock = Stopwatch.StartNew();
        long warm = 0, end = 0;
        bool paused = false;
        // Memory is measured with a full collection, which must not fall inside a running edit's step (see QuietGc):
        // at 20 s the clients hold back until the runner is idle.
        var sampler = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(20));
            Volatile.Write(ref paused, true);
            await Task.Delay(500);   // submissions already under way land first
            while (!h.Server.Context.Runner.Jobs.All(j => j.Completion.IsCompleted)) await Task.Delay(20);
            warm = NativeMemory.InUse() + GC.GetTotalMemory(false);
            Volatile.Write(ref paused, false);
        });

        async Task Client(int c)
        {
            using var client = new HttpClient { BaseAddress = h.Server.Url };
            for (int n = 0; clock.Elapsed < TimeSpan.FromSeconds(60); n++)
            {
                while (Volatile.Read(ref paused)) await Task.Delay(20);
                using var r = await client.PostAsync("api/v1/jobs", ServerHarness.Json(request));
                if (r.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Assert.NotNull(r.Headers.RetryAfter);
                    Interlocked.Increment(ref refused);
                    await Task.Delay(200 + 50 * c);
                    continue;
                }
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
                var id = JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
                accepted.Add(id);
                if ((n + c) % 3 == 0)
                {
                    using var d = await client.DeleteAsync($"api/v1/jobs/{id}");
                    Assert.True(d.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"cancel {id}: {d.StatusCode}");
                    Interlocked.Increment(ref cancelled);
                }
                while (true)
                {
                    var state = JsonNode.Parse(await client.GetStringAsync($"api/v1/jobs/{id}"))!["state"]!.GetValue<string>();
                    if (state is "done" or "failed" or "cancelled") break;
                    await Task.Delay(100);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(Client));
        await sampler;
        end = NativeMemory.InUse() + GC.GetTotalMemory(false);

        // Every accepted job is still known (or was pruned after it ended) and ended with a reason.
        var views = JsonNode.Parse(await h.Client.GetStringAsync("api/v1/jobs"))!.AsArray().ToDictionary(j => j!["id"]!.GetValue<string>(), j => j!);
        var runner = h.Server.Context.Runner;
        int done = 0, ended = 0;
        foreach (var id in accepted)
        {
            var job = runner.Get(id);
            if (job is null)
            {
                Assert.False(views.ContainsKey(id));
                ended++;   // pruned: only ended jobs are
                continue;
            }
            Assert.True(job.Completion.IsCompleted, $"job {id} is still {job.State}");
            Assert.True(job.State != Motive.Methods.Editing.EditJobState.Failed || !string.IsNullOrEmpty(job.Error), $"job {id} failed without a reason");
            done += job.State == Motive.Methods.Editing.EditJobState.Done ? 1 : 0;
            ended++;
        }
        Assert.Equal(accepted.Count, ended);
        Assert.True(views.Count <= 12 + 8, $"the server keeps {views.Count} jobs");
        output.WriteLine($"{accepted.Count} accepted ({done} done among those kept), {cancelled} cancel requests, {refused} refused with 429; memory in use {warm >> 20} MiB at 20 s, {end >> 20} MiB at the end");
        Assert.True(accepted.Count >= 20, $"only {accepted.Count} jobs in a minute");
        Assert.True(refused > 0, "eight clients never filled a queue of four");
        Assert.True(end - warm < 48L << 20, $"memory in use grew {(end - warm) >> 20} MiB from 20 s to 60 s");
    }
}
