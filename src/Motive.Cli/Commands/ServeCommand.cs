using System.CommandLine;
using Motive.Methods.Editing;
using Motive.Web;

namespace Motive.Cli.Commands;

/// <summary>`motive serve`: the HTTP API and the editor page on the loaded models, until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var host = new Option<string>("--host") { DefaultValueFactory = _ => "127.0.0.1", Description = "Address to listen on; anything but loopback needs --token." };
        var port = new Option<int>("--port") { DefaultValueFactory = _ => 7860, Description = "Port to listen on (0 = any free port)." };
        var raft = new Option<string?>("--raft") { Description = "RAFT checkpoint for Motion Guidance (princeton layout; default: the embedded toy RAFT)." };
        var token = new Option<string?>("--token") { Description = "Bearer token every API call must carry (default: $MOTIVE_TOKEN; required off loopback)." };
        var maxUpload = new Option<int>("--max-upload-mb") { DefaultValueFactory = _ => 20, Description = "Largest upload in MB." };
        var maxSide = new Option<int>("--max-side") { DefaultValueFactory = _ => 4096, Description = "Largest uploaded picture side in px." };
        var queue = new Option<int>("--queue") { DefaultValueFactory = _ => 8, Description = "Jobs that may wait behind the running one (one more gets 429)." };
        var data = new Option<string?>("--data") { Description = "Folder for uploads and results (default: a temporary folder removed at exit)." };
        var cors = new Option<string[]>("--cors") { Description = "Origins allowed to call the API from their pages (default: none).", AllowMultipleArgumentsPerToken = true };
        var preview = new Option<int>("--preview-every") { DefaultValueFactory = _ => 5, Description = "A preview frame every N steps in the progress stream (0 = none)." };
        var model = new ModelOptions();
        var cmd = new Command("serve", "The HTTP API (/api/v1, OpenAPI at /openapi/v1.json) and the web editor (/) on the loaded models.")
            { host, port, raft, token, maxUpload, maxSide, queue, data, cors, preview };
        var maxMemory = EditRunner.MaxMemoryOption();
        cmd.Add(maxMemory);
        model.AddTo(cmd);
        cmd.SetAction(async (r, cancel) =>
        {
            var device = r.GetValue(model.Device)!;
            EditModels.CheckDevice(device);
            var options = new ServeOptions
            {
                Host = r.GetValue(host)!, Port = r.GetValue(port), Model = model.Ref(r), Raft = r.GetValue(raft) is { } f ? Path.GetFullPath(f) : null,
                Device = device, Token = r.GetValue(token) ?? (Environment.GetEnvironmentVariable("MOTIVE_TOKEN") is { Length: > 0 } t ? t : null),
                MaxUploadBytes = (long)r.GetValue(maxUpload) << 20, MaxImageSide = r.GetValue(maxSide), QueueCapacity = r.GetValue(queue),
                DataDir = r.GetValue(data) is { } d ? Path.GetFullPath(d) : null, CorsOrigins = r.GetValue(cors) ?? [], PreviewEvery = r.GetValue(preview),
                MaxMemoryMiB = EditRunner.MaxMemoryMiB(r, maxMemory),
            };
            var io = r.InvocationConfiguration;
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException(e.Message + (options.IsLoopback ? "" : " (--token or $MOTIVE_TOKEN)"), e);
            }
            await using var server = await MotiveServer.StartAsync(options, io.Error, cancel);
            io.Output.WriteLine($"motive serve: the editor is at {server.Url} and the API at {server.Url}api/v1 ({server.Url}openapi/v1.json); Ctrl+C stops");
            if (options.Token is not null) io.Output.WriteLine($"motive serve: listening on {options.Host}: every API call must carry \"Authorization: Bearer <token>\" (the editor: {server.Url}#token=<token>)");
            try
            {
                await server.WaitAsync(cancel);
            }
            catch (OperationCanceledException) { }
            io.Output.WriteLine("motive serve: stopped (running jobs cancelled)");
            return CliApp.Ok;
        });
        return cmd;
    }
}
