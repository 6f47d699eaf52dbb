using Motive.IO;
using Motive.Methods.Editing;
using System.Text.Json.Nodes;
using Motive.Models.Runtime;

namespace Motive.Web;

/// <summary>Everything the endpoints share: the options, the uploads, the runner (one job at a time on the loaded models) and the job views.</summary>
public sealed class ServerContext(ServeOptions options, UploadStore uploads, EditJobRunner runner, JobTracker tracker)
{
    public ServeOptions Options { get; } = options;
    public UploadStore Uploads { get; } = uploads;
    public EditJobRunner Runner { get; } = runner;
    public JobTracker Tracker { get; } = tracker;

    /// <summary>
    /// A client's request made the server's: the model and RAFT are the operator's (a request that names others is
    /// refused, since no client-supplied path is opened; one that names these, as a result's run.json does, is fine).
    /// </summary>
    public EditRequest Localise(EditRequest request)
    {
        if (request.Model != new ModelRef() && request.Model != Options.Model)
            throw new ArgumentException("this server edits with the model its operator started it with; leave \"model\" out of the request");
        request = request with { Model = Options.Model };
        var aux = EditMethods.For(request).Description.AuxModels;
        if (aux.Count == 0) return request;
        var json = EditJson.ToNode(request);
        foreach (var (key, kind) in aux)
        {
            var mine = Options.AuxModel(kind);
            if (json[key] is JsonValue v && v.GetValue<string>() != mine)
                throw new ArgumentException($"this server uses its own {kind} model; leave \"{key}\" out of the request");
            json[key] = mine;
        }
        return EditJson.Parse(json.ToJsonString(), "the request");
    }

    /// <summary>Submits a request and follows it; old finished jobs beyond the kept number lose their results.</summary>
    public EditJob Submit(EditRequest request)
    {
        var local = Localise(request);
        var description = EditMethods.For(local).Description;
        InputRanges.Check(EditJson.ToNode(local), description, Options.EmbeddedAux(description));   // the bounds the API's schema publishes
        var job = QuietGc.Beside(() => Runner.Submit(local));   // planning reads the inputs with tensors, beside the running job
        Tracker.Track(job);
        Prune();
        return job;
    }

    private void Prune()
    {
        var ended = Runner.Jobs.Where(j => j.Completion.IsCompleted).OrderBy(j => j.Finished).ToList();
        foreach (var job in ended.Take(Math.Max(0, ended.Count - Options.KeepJobs)))
        {
            Runner.Forget(job.Id);
            Tracker.Forget(job.Id);
            Folders.TryDelete(job.ResultDir);
        }
    }
}
