using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Motive.Methods.Editing;
using Motive.Web.OpenApi;
using static Motive.Web.OpenApi.ApiOperations;

namespace Motive.Web.Endpoints;

/// <summary>
/// Edits as jobs: submit a request (the seam's JSON, inputs named by upload ids) → 202 and its id; its state, step
/// and ETA; a server-sent-events stream of progress with preview frames; its result files; cancel.
/// </summary>
public static class JobEndpoints
{
    public static void Map(RouteGroupBuilder api, ServerContext s, IHostApplicationLifetime lifetime)
    {
        api.MapPost("/jobs", async (HttpRequest request) =>
        {
            var text = await Bodies.ReadJson(request, s.Options.MaxJsonBytes, request.HttpContext.RequestAborted);
            var job = s.Submit(EditJson.Parse(text, "the request body"));
            return new Located(Results.Json(s.Tracker.View(job.Id), Api.Json, statusCode: 202), $"/api/v1/jobs/{job.Id}");
        }).Describe(new("submitJob", "jobs", "Submit an edit request (JSON with \"method\") → 202 and the job; 429 when the queue is full")
        {
            Body = new(ApiMedia.Json, ApiSchema.EditRequest),
            Answers =
            [
                ApiAnswer.Json(202, "Accepted: the job, queued", typeof(JobView)) with { Headers = [("Location", "The job's URL")] },
                BadRequest, TooLarge,
                ApiAnswer.Problem(429, "The queue is full; try again later") with { Headers = [("Retry-After", "Seconds to wait")] },
            ],
        });

        api.MapGet("/jobs", () => Results.Json(s.Tracker.All, Api.Json))
            .Describe(new("listJobs", "jobs", "Every job the server remembers") { Answers = [ApiAnswer.JsonList(200, "The jobs, oldest first", typeof(JobView))] });

        api.MapGet("/jobs/{id}", (string id) => s.Tracker.View(id) is { } v ? Results.Json(v, Api.Json) : NoJob(id))
            .Describe(new("getJob", "jobs", "A job: state, phase, step of total, ETA, error, result files")
                { Answers = [ApiAnswer.Json(200, "The job", typeof(JobView)), NotFound("job")] });

        api.MapDelete("/jobs/{id}", (string id) =>
        {
            if (s.Tracker.View(id) is not { } v) return NoJob(id);
            return s.Runner.Cancel(id)
                ? Results.Json(v with { State = "cancelling" }, Api.Json, statusCode: 202)
                : Problems.Of(409, $"job {id} has already ended ({v.State}); there is nothing to cancel");
        }).Describe(new("cancelJob", "jobs", "Cancel a queued or running job")
        {
            Answers = [ApiAnswer.Json(202, "Cancelling: the job, as it stands", typeof(JobView)), NotFound("job"), ApiAnswer.Problem(409, "The job has already ended")],
        });

        api.MapGet("/jobs/{id}/preview.png", (string id) => s.Tracker.Preview(id) is { } png
            ? Results.Bytes(png, "image/png")
            : Problems.Of(404, $"job {id} has no preview yet")).Describe(new("getJobPreview", "jobs", "The latest preview frame (x̂₀) of a job")
            { Answers = [ApiAnswer.Png("The frame"), ApiAnswer.Problem(404, "No such job, or no frame yet")] });

        api.MapGet("/jobs/{id}/files/{name}", (string id, string name) =>
        {
            if (s.Runner.Get(id) is not { } job) return NoJob(id);
            if (job.State != EditJobState.Done) return Problems.Of(409, $"job {id} is {job.State.ToString().ToLowerInvariant()}; its files exist once it is done");
            var file = Path.Combine(job.ResultDir, name);
            return ResultFiles.IsServed(name) && File.Exists(file)
                ? Results.File(file, ResultFiles.ContentType(name))
                : Problems.Of(404, $"job {id} has no file '{name}'");
        }).Describe(new("getJobFile", "jobs", "A file of a finished job's result folder: result.png, summary.png, run.json, metrics.json, …")
        {
            Answers =
            [
                new(200, "The file", [("image/png", ApiSchema.Binary), (ApiMedia.Json, ApiSchema.Binary), ("application/octet-stream", ApiSchema.Binary)]),
                ApiAnswer.Problem(404, "No such job, or no such file in its result"), ApiAnswer.Problem(409, "The job has not finished"),
            ],
        });

        api.MapGet("/jobs/{id}/events", async (string id, HttpContext ctx) =>
        {
            if (s.Runner.Get(id) is not { } job)
            {
                await NoJob(id).ExecuteAsync(ctx);
                return;
            }
            await Stream(ctx, s, job, lifetime.ApplicationStopping);
        }).Describe(new("streamJobEvents", "jobs", "Server-sent events: \"progress\" (the job, with a preview frame as a data URL when there is a new one), then \"end\"")
        {
            Answers =
            [
                new(200, "A text/event-stream of events \"progress\" and a last \"end\", each with one ProgressEvent as its data",
                    [("text/event-stream", ApiSchema.EventsOf(typeof(ProgressEvent)))]),
                NotFound("job"),
            ],
        });
    }

    private static IResult NoJob(string id) => Problems.Of(404, $"no job '{id}'");

    private static async Task Stream(HttpContext ctx, ServerContext s, EditJob job, CancellationToken stopping)
    {
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        long sent = -1;
        byte[]? lastPreview = null;
        try
        {
            while (true)
            {
                bool ended = job.Completion.IsCompleted;
                if (s.Tracker.View(job.Id) is not { } view) return;
                if (view.Version != sent || ended)
                {
                    sent = view.Version;
                    var preview = s.Tracker.Preview(job.Id);
                    string? frame = preview is not null && !ReferenceEquals(preview, lastPreview) ? "data:image/png;base64," + Convert.ToBase64String(preview) : null;
                    lastPreview = preview;
                    await Send(ctx, ended ? "end" : "progress", new ProgressEvent(view, frame), both.Token);
                    if (ended) return;
                }
                await Task.WhenAny(job.Completion, Task.Delay(200, both.Token));
            }
        }
        catch (OperationCanceledException) { }
    }

    public sealed record ProgressEvent(JobView Job, string? Preview);

    private static async Task Send(HttpContext ctx, string name, ProgressEvent e, CancellationToken cancel)
    {
        var text = $"event: {name}\ndata: {JsonSerializer.Serialize(e, Api.Json)}\n\n";
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancel);
        await ctx.Response.Body.FlushAsync(cancel);
    }
}

/// <summary>An answer with a Location header (where the new thing is).</summary>
internal sealed class Located(IResult inner, string location) : IResult
{
    public Task ExecuteAsync(HttpContext ctx)
    {
        ctx.Response.Headers.Location = location;
        return inner.ExecuteAsync(ctx);
    }
}
