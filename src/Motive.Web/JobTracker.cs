using System.Collections.Concurrent;
using Motive.IO.Images;
using Motive.Methods.Editing;

namespace Motive.Web;

/// <summary>What a client sees of a job: where it stands, how long it has left, the latest preview frame.</summary>
public sealed record JobView(string Id, string Method, string State, string? Phase, int Step, int Total, double? EtaSeconds,
    string? Error, IReadOnlyList<string> Notes, DateTimeOffset Submitted, DateTimeOffset? Started, DateTimeOffset? Finished,
    IReadOnlyList<string> Files, long Version, bool HasPreview);

/// <summary>
/// The server's side of each job beyond the runner's: when its current phase began (for the ETA), its latest preview
/// frame as PNG, and a version that changes with every report, so progress streams send only what is new.
/// </summary>
public sealed class JobTracker
{
    private readonly ConcurrentDictionary<string, Tracked> tracked = new();

    private sealed class Tracked(EditJob job)
    {
        public EditJob Job { get; } = job;
        public string? Phase;
        public DateTimeOffset PhaseStart;
        public int PhaseFirstStep;
        public byte[]? Preview;
        public long Version;
    }

    /// <summary>Follows <paramref name="job"/> from now on.</summary>
    public void Track(EditJob job)
    {
        var t = new Tracked(job);
        tracked[job.Id] = t;
        job.OnProgress += (_, p) => OnProgress(t, p);
        _ = job.Completion.ContinueWith(_ => Interlocked.Increment(ref t.Version), TaskScheduler.Default);
    }

    private static void OnProgress(Tracked t, EditProgress p)
    {
        if (p.Phase != t.Phase)
        {
            t.Phase = p.Phase;
            t.PhaseStart = DateTimeOffset.UtcNow;
            t.PhaseFirstStep = p.Step;
        }
        if (p.Preview is { } image)
        {
            using var png = new MemoryStream();
            PngWriter.Encode(png, image);
            t.Preview = png.ToArray();
        }
        Interlocked.Increment(ref t.Version);
    }

    public void Forget(string id) => tracked.TryRemove(id, out _);

    public byte[]? Preview(string id) => tracked.TryGetValue(id, out var t) ? t.Preview : null;

    public JobView? View(string id) => tracked.TryGetValue(id, out var t) ? View(t) : null;

    public IReadOnlyList<JobView> All => tracked.Values.OrderBy(t => t.Job.Submitted).Select(View).ToList();

    private static JobView View(Tracked t)
    {
        var job = t.Job;
        var p = job.Progress;
        double? eta = null;
        if (job.State == EditJobState.Running && p is { Total: > 0 } && p.Step > t.PhaseFirstStep)
        {
            var perStep = (DateTimeOffset.UtcNow - t.PhaseStart).TotalSeconds / (p.Step - t.PhaseFirstStep);
            eta = Math.Round(perStep * Math.Max(0, p.Total - p.Step), 1);
        }
        var files = job.State == EditJobState.Done && Directory.Exists(job.ResultDir)
            ? Directory.EnumerateFiles(job.ResultDir).Select(Path.GetFileName).OfType<string>().Where(ResultFiles.IsServed).Order().ToList()
            : [];
        return new JobView(job.Id, EditMethods.For(job.Request).Name, job.State.ToString().ToLowerInvariant(), p?.Phase, p?.Step ?? 0, p?.Total ?? 0, eta,
            job.Error, job.Notes, job.Submitted, job.Started, job.Finished, files, Interlocked.Read(ref t.Version), t.Preview is not null);
    }
}

/// <summary>Which files of a result folder a client may fetch: plain names the methods write (no folders, no dots first).</summary>
public static class ResultFiles
{
    public static bool IsServed(string name) =>
        name.Length is > 0 and <= 64 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
        && Path.GetExtension(name) is ".png" or ".json" or ".pth";

    public static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".png" => "image/png",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
