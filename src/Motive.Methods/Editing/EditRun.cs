namespace Motive.Methods.Editing;

/// <summary>
/// The one way an edit request runs, for every host (CLI, server jobs, batch items, the demo): <see cref="Plan"/>
/// finds the request's method, validates the request and reads its inputs, and refuses it when its memory estimate
/// is over the session's limit (all before any model is loaded); <see cref="Run"/> makes the result folder (proven
/// writable), runs with progress and cancellation, lets the host add to the result (<see cref="EditRunOptions.Finish"/>),
/// commits the folder and says what it wrote. A host maps its input to a request and presents the outcome; nothing
/// else of this sequence exists outside this file.
/// </summary>
public sealed class EditRun : IDisposable
{
    private readonly IEditPlan plan;
    private readonly EditModels models;

    private EditRun(IEditPlan plan, EditModels models)
    {
        this.plan = plan;
        this.models = models;
    }

    /// <summary>The request with every default filled in: what run.json records.</summary>
    public EditRequest Request => plan.Request;

    /// <summary>What a person should know before the run (e.g. that the input was resized, the memory estimate).</summary>
    public IReadOnlyList<string> Notes => plan.Notes;

    /// <summary>
    /// Plans <paramref name="request"/> with its method: throws ArgumentException (the request), MotiveFormatException
    /// (an input) or <see cref="EditMemoryException"/> (over the session's memory limit), one line each.
    /// </summary>
    public static EditRun Plan(EditRequest request, IEditInputs inputs, EditModels models)
    {
        var plan = EditMethods.For(request).Plan(request, inputs);
        try
        {
            if (plan.Memory is { } m && models.MaxMemoryMiB is { } limit && m.MiB > limit)
                throw new EditMemoryException(m, limit, models.Device);
            return new EditRun(plan, models);
        }
        catch
        {
            plan.Dispose();
            throw;
        }
    }

    /// <summary>Runs the plan into the result folder <paramref name="outDir"/>, written whole or not at all.</summary>
    public EditOutcome Run(string outDir, EditRunOptions? options = null)
    {
        options ??= new EditRunOptions();
        using var folder = ResultFolder.Create(outDir);
        foreach (var note in plan.Notes) options.Note?.Invoke(note);
        var session = new EditSession(models, folder.WorkDir, options.Progress, options.Cancel, options.CacheDir, options.PreviewEvery);
        using var result = plan.Run(session);
        using var final = options.Finish?.Invoke(new EditFinish(plan, result, session)) ?? result;
        options.Cancel.ThrowIfCancellationRequested();
        folder.Commit(plan.Request, final);
        var files = new List<string> { "result.png" };
        if (final.Summary is not null) files.Add("summary.png");
        files.AddRange(["metrics.json", "run.json"]);
        return new EditOutcome(folder.Target, files, final.Work, final.Headline, final.Elapsed, final.Metrics);
    }

    public void Dispose() => plan.Dispose();
}

/// <summary>
/// How a host runs an edit: where progress goes, the cancellation token, how often a preview frame comes with the
/// progress (0 = never), the cache folder (null = <see cref="EditSession.DefaultCacheDir"/>), and <see cref="Finish"/>:
/// what the host adds to the result before it is written (the demo's score and ground truth, a batch item's marker),
/// given the plan, the result and the session the edit ran in; <see cref="Note"/> hears the plan's notes once the result
/// folder is proven writable.
/// </summary>
public sealed record EditRunOptions(Action<EditProgress>? Progress = null, CancellationToken Cancel = default, int PreviewEvery = 0,
    string? CacheDir = null, Func<EditFinish, EditResult>? Finish = null, Action<string>? Note = null);

/// <summary>What <see cref="EditRunOptions.Finish"/> sees: the plan that ran, its result, and the session (models, work folder).</summary>
public sealed record EditFinish(IEditPlan Plan, EditResult Result, EditSession Session);

/// <summary>What an edit wrote: the result folder, the files a person looks at first, the work done, the headline, the time, the metrics.</summary>
public sealed record EditOutcome(string Folder, IReadOnlyList<string> Files, string? Work, string? Headline, TimeSpan Elapsed,
    IReadOnlyDictionary<string, object?> Metrics)
{
    /// <summary>One line for a person, e.g. "wrote out/x: result.png, summary.png, run.json (8 guided evaluations, 12.3 s); moved 19.6 px of 20".</summary>
    public string Line(string shownAs) =>
        $"wrote {shownAs}: {string.Join(", ", Files.Where(f => f != "metrics.json"))} ({(Work is { } w ? w + ", " : "")}{Elapsed.TotalSeconds:0.0} s)" +
        (Headline is { } h ? "; " + h : "");
}
