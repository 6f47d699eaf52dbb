using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Motive.IO;
using Motive.Methods.Editing;
using Microsoft.AspNetCore.Routing;
using Motive.Web.Endpoints;
using Motive.Web.OpenApi;

namespace Motive.Web;

/// <summary>
/// `motive serve`: the models loaded once, the seam's runner (one job at a time on them, a bounded queue), the API
/// under /api/v1, its OpenAPI document at /openapi/v1.json and the editor page at /. Disposing stops listening,
/// cancels the running and queued jobs (their result folders are never left half-written) and removes a temporary
/// data folder.
/// </summary>
public sealed class MotiveServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly EditModels models;
    private readonly EditJobRunner runner;
    private readonly string dataDir;
    private readonly bool ownsDataDir;

    private MotiveServer(WebApplication app, EditModels models, EditJobRunner runner, string dataDir, bool ownsDataDir, ServerContext context)
    {
        this.app = app;
        this.models = models;
        this.runner = runner;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        Context = context;
    }

    public ServerContext Context { get; }

    /// <summary>Where it listens, e.g. http://127.0.0.1:7860/.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Loads the models, starts listening; <paramref name="log"/> hears what an operator should know.</summary>
    public static async Task<MotiveServer> StartAsync(ServeOptions options, TextWriter log, CancellationToken cancel = default)
    {
        options.Validate();
        bool owns = options.DataDir is null;
        var dataDir = options.DataDir ?? Path.Combine(Path.GetTempPath(), $"motive-serve-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(Path.Combine(dataDir, "uploads"));
        Directory.CreateDirectory(Path.Combine(dataDir, "results"));

        var models = new EditModels(options.Device, options.MaxMemoryMiB);
        EditJobRunner? runner = null;
        try
        {
            models.Diffusion(options.Model);
            models.Raft(options.Raft);
            var serverFiles = new[] { options.Model.Path, options.Model.Config, options.Raft }.OfType<string>().ToHashSet();
            var uploads = new UploadStore(Path.Combine(dataDir, "uploads"), options.MaxImageSide, serverFiles);
            runner = new EditJobRunner(models, uploads, Path.Combine(dataDir, "results"), options.QueueCapacity, options.PreviewEvery);
            var context = new ServerContext(options, uploads, runner, new JobTracker());
            var app = Build(options, context, log);
            var server = new MotiveServer(app, models, runner, dataDir, owns, context);
            await app.StartAsync(cancel);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.Url = new Uri(address.EndsWith('/') ? address : address + "/");
            return server;
        }
        catch
        {
            runner?.Dispose();
            models.Dispose();
            if (owns) Folders.TryDelete(dataDir);
            throw;
        }
    }

    private static WebApplication Build(ServeOptions options, ServerContext context, TextWriter log)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Motive.Web" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes + (1L << 20);
            if (options.IsLoopback && options.Host == "localhost") k.ListenLocalhost(options.Port);
            else k.Listen(System.Net.IPAddress.Parse(options.Host), options.Port);
        });
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxUploadBytes + 65536);
        if (options.CorsOrigins.Count > 0)
            builder.Services.AddCors(c => c.AddDefaultPolicy(p => p.WithOrigins([.. options.CorsOrigins]).AllowAnyHeader().AllowAnyMethod()));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var app = builder.Build();
        app.Use((ctx, next) => Problems.Handle(ctx, () => next(ctx), log));
        if (options.CorsOrigins.Count > 0) app.UseCors();
        if (options.Token is { } token)
            app.Use(async (ctx, next) =>
            {
                if (ctx.Request.Path.StartsWithSegments("/api") && !Problems.Authorized(ctx, token))
                {
                    ctx.Response.Headers.WWWAuthenticate = "Bearer";
                    await Problems.Of(401, "this server needs its bearer token: send \"Authorization: Bearer TOKEN\"").ExecuteAsync(ctx);
                    return;
                }
                await next(ctx);
            });
        app.MapGet("/openapi/v1.json", (HttpContext ctx, EndpointDataSource routes) =>
            Results.Json(ApiDocument.Build(routes.Endpoints, options, $"{ctx.Request.Scheme}://{ctx.Request.Host}"), Api.Json));

        var api = app.MapGroup("/api/v1");
        ImageEndpoints.Map(api, context);
        MethodEndpoints.Map(api, context);
        PreviewEndpoints.Map(api, context);
        JobEndpoints.Map(api, context, app.Lifetime);
        app.MapFallback("/api/{**rest}", (HttpContext ctx) => Problems.Of(404, $"no API route {ctx.Request.Method} {ctx.Request.Path}"));

        app.MapGet("/", () => Asset("index.html"));
        app.MapGet("/{file}", (string file) => Asset(file));
        return app;
    }

    private static IResult Asset(string name) => StaticAssets.Files.TryGetValue(name, out var f)
        ? Results.Bytes(f.Data, f.Type)
        : Problems.Of(404, $"no page '{name}'");

    /// <summary>Runs until <paramref name="cancel"/> (Ctrl+C) or the host stops.</summary>
    public Task WaitAsync(CancellationToken cancel) => app.WaitForShutdownAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        runner.Dispose();   // cancels running and queued jobs first, so open progress streams end
        try
        {
            await app.StopAsync();
        }
        catch (OperationCanceledException) { }
        await app.DisposeAsync();
        models.Dispose();
        if (ownsDataDir) Folders.TryDelete(dataDir);
    }
}
