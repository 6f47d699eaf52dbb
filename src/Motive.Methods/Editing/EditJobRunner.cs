using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Motive.Methods.Editing;

public enum EditJobState { Queued, Running, Done, Failed, Cancelled }

/// <summary>
/// One submitted edit: its id (made here, never the client's), the request, where it stands (state, latest
/// progress, error), when it ran, and its result folder once done. Thread-safe to read while it runs.
/// </summary>
public sealed class EditJob
{
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal EditJob(string id, EditRun run, string resultDir)
    {
        Id = id;
        Run = run;
        ResultDir = resultDir;
        Notes = run.Notes;   // once: a plan's notes size the model's files for the memory estimate, and views read them often
    }

    public string Id { get; }
    internal EditRun Run { get; }
    /// <summary>The resolved request (every default filled in).</summary>
    public EditRequest Request => Run.Request;
    /// <summary>What the plan says a person should know (e.g. that the input was resized).</summary>
    public IReadOnlyList<string> Notes { get; }
    public string ResultDir { get; }
    public EditJobState State { get; internal set; } = EditJobState.Queued;
    public EditProgress? Progress { get; internal set; }
    public string? Error { get; internal set; }
    public DateTimeOffset Submitted { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? Started { get; internal set; }
    public DateTimeOffset? Finished { get; internal set; }
    internal CancellationTokenSource Cancel { get; } = new();
    /// <summary>Called on the runner's thread with every progress report.</summary>
    public event Action<EditJob, EditProgress>? OnProgress;

    /// <summary>Completes when the job has ended, however it ended.</summary>
    public Task Completion => completion.Task;

    internal void Report(EditProgress p)
    {
        Progress = p;
        OnProgress?.Invoke(this, p);
    }

    internal void End(EditJobState state, string? error = null)
    {
        State = state;
        Error = error;
        Finished = DateTimeOffset.UtcNow;
        Run.Dispose();
        completion.TrySetResult();
    }
}

/// <summary>The queue is full: come back later (a server answers 429).</summary>
public sealed class EditQueueFullException(int capacity) : Exception($"the edit queue is full ({capacity} waiting); try again when a job has finished")
{
    public int Capacity { get; } = capacity;
}

/// <summary>
/// Runs edits one at a time on one set of models (one device), in submission order, from a bounded queue: what a
/// server puts its requests through, each by the one run path (<see cref="EditRun"/>). A request is planned (validated, inputs read) when submitted,
/// so a bad one is refused at once; each job writes its own result folder atomically; cancelling a queued job ends it
/// without running, a running one at its next step. Disposing cancels everything and waits for the running job.
/// </summary>
public sealed class EditJobRunner : IDisposable
{
    private readonly EditModels models;
    private readonly IEditInputs inputs;
    private readonly string resultsRoot;
    private readonly Channel<EditJob> queue;
    private readonly ConcurrentDictionary<string, EditJob> jobs = new();
    private readonly Task worker;
    private readonly CancellationTokenSource stopping = new();
    private readonly int previewEvery;
    private int waiting;

    /// <summary>Starts the worker; <c>previewEvery</c>: a preview frame with the progress every this many steps (0 = none).</summary>
    public EditJobRunner(EditModels models, IEditInputs inputs, string resultsRoot, int capacity = 8, int previewEvery = 0)
    {
        this.previewEvery = previewEvery;
        if (capacity < 1) throw new ArgumentException("the queue needs room for at least one job");
        this.models = models;
        this.inputs = inputs;
        this.resultsRoot = resultsRoot;
        Capacity = capacity;
        queue = Channel.CreateUnbounded<EditJob>(new UnboundedChannelOptions { SingleReader = true });
        worker = Task.Factory.StartNew(Work, TaskCreationOptions.LongRunning).Unwrap();
    }

    public int Capacity { get; }
    public IReadOnlyCollection<EditJob> Jobs => jobs.Values.ToList();

    /// <summary>Plans and enqueues an edit; throws on a bad request (nothing queued) or a full queue.</summary>
    public EditJob Submit(EditRequest request)
    {
        ObjectDisposedException.ThrowIf(stopping.IsCancellationRequested, this);
        if (Interlocked.Increment(ref waiting) > Capacity)
        {
            Interlocked.Decrement(ref waiting);
            throw new EditQueueFullException(Capacity);
        }
        try
        {
            var run = EditRun.Plan(request, inputs, models);
            var id = Guid.NewGuid().ToString("N")[..12];
            var job = new EditJob(id, run, Path.Combine(resultsRoot, id));
            jobs[id] = job;
            queue.Writer.TryWrite(job);
            return job;
        }
        catch
        {
            Interlocked.Decrement(ref waiting);
            throw;
        }
    }

    public EditJob? Get(string id) => jobs.TryGetValue(id, out var job) ? job : null;

    /// <summary>Drops an ended job from the list (its result folder is the caller's); false when it has not ended.</summary>
    public bool Forget(string id) => jobs.TryGetValue(id, out var job) && job.Completion.IsCompleted && jobs.TryRemove(id, out _);

    /// <summary>Asks a job to stop; false when there is no such job or it has already ended.</summary>
    public bool Cancel(string id)
    {
        if (!jobs.TryGetValue(id, out var job) || job.State is EditJobState.Done or EditJobState.Failed or EditJobState.Cancelled) return false;
        job.Cancel.Cancel();
        return true;
    }

    private async Task Work()
    {
        await foreach (var job in queue.Reader.ReadAllAsync())
        {
            Interlocked.Decrement(ref waiting);
            if (job.Cancel.IsCancellationRequested || stopping.IsCancellationRequested)
            {
                job.End(EditJobState.Cancelled);
                continue;
            }
            job.State = EditJobState.Running;
            job.Started = DateTimeOffset.UtcNow;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(job.Cancel.Token, stopping.Token);
            try
            {
                job.Run.Run(job.ResultDir, new EditRunOptions(job.Report, linked.Token, previewEvery));
                job.End(EditJobState.Done);
            }
            catch (OperationCanceledException)
            {
                job.End(EditJobState.Cancelled);
            }
            catch (Exception e)
            {
                job.End(EditJobState.Failed, e.Message.ReplaceLineEndings(" "));
            }
        }
    }

    public void Dispose()
    {
        if (stopping.IsCancellationRequested) return;
        stopping.Cancel();
        queue.Writer.TryComplete();
        try { worker.Wait(); }
        catch (AggregateException) { }
        foreach (var job in jobs.Values.Where(j => !j.Completion.IsCompleted)) job.End(EditJobState.Cancelled);
        stopping.Dispose();
    }
}
