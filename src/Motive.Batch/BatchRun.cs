using Motive.IO.Json;
using Motive.Methods.Editing;

namespace Motive.Batch;

/// <summary>How one item of a batch ended.</summary>
public enum ItemOutcome { Done, Skipped, Failed }

/// <summary>What a batch worker did: each item it took, how it ended, and why when it failed.</summary>
public sealed record BatchSummary(IReadOnlyList<(string Id, ItemOutcome Outcome, string? Error)> Items)
{
    public int Count(ItemOutcome o) => Items.Count(i => i.Outcome == o);
}

/// <summary>
/// Runs a shard of a manifest on one set of models: each item into DIR/items/ID, written atomically (a result folder);
/// an item whose folder already holds the same request (its hash in batch.json) is skipped, so a rerun after a crash,
/// a kill or a cancel resumes and repeats nothing finished; a failing item leaves ID.error.json beside the folders
/// (its error, one line) and the shard goes on. Cancelling stops at the running item's next step, leaving it undone.
/// </summary>
public static class BatchRun
{
    public const string ItemsFolder = "items", MarkerFile = "batch.json", ErrorSuffix = ".error.json";

    public sealed record Marker(string Id, string Hash);

    public sealed record ItemError(string Id, string Hash, string Error);

    public static string ItemDir(string outDir, string id) => Path.Combine(outDir, ItemsFolder, id);

    public static string ErrorFile(string outDir, string id) => Path.Combine(outDir, ItemsFolder, id + ErrorSuffix);

    /// <summary>Whether <paramref name="item"/>'s result is already in <paramref name="outDir"/>.</summary>
    public static bool IsDone(string outDir, ManifestItem item)
    {
        var marker = Path.Combine(ItemDir(outDir, item.Id), MarkerFile);
        if (!File.Exists(marker)) return false;
        try
        {
            return MotiveJson.Read<Marker>(marker).Hash == item.Hash;
        }
        catch (Motive.IO.MotiveFormatException)
        {
            return false;
        }
    }

    /// <summary>Runs the items of <paramref name="shard"/>; <c>report</c> hears of each before it starts (position in the shard, the shard's size, the item), <c>progress</c> the running item's steps.</summary>
    /// <summary><paramref name="describe"/> turns a failed item's error into its line (a front end adds its option hints; default: the message).</summary>
    public static BatchSummary Run(IReadOnlyList<ManifestItem> manifest, string outDir, Shard shard, EditModels models, IEditInputs inputs,
        Action<int, int, ManifestItem>? report = null, Action<EditProgress>? progress = null, CancellationToken cancel = default,
        Func<Exception, string>? describe = null)
    {
        var mine = manifest.Where((_, i) => shard.Takes(i)).ToList();
        Directory.CreateDirectory(Path.Combine(outDir, ItemsFolder));
        var results = new List<(string, ItemOutcome, string?)>();
        for (int k = 0; k < mine.Count; k++)
        {
            cancel.ThrowIfCancellationRequested();
            var item = mine[k];
            report?.Invoke(k, mine.Count, item);
            if (IsDone(outDir, item))
            {
                results.Add((item.Id, ItemOutcome.Skipped, null));
                continue;
            }
            try
            {
                RunOne(item, outDir, models, inputs, progress, cancel);
                File.Delete(ErrorFile(outDir, item.Id));
                results.Add((item.Id, ItemOutcome.Done, null));
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                var error = describe?.Invoke(e) ?? e.Message.ReplaceLineEndings(" ");
                MotiveJson.Write(ErrorFile(outDir, item.Id), new ItemError(item.Id, item.Hash, error));
                results.Add((item.Id, ItemOutcome.Failed, error));
            }
        }
        return new BatchSummary(results);
    }

    private static void RunOne(ManifestItem item, string outDir, EditModels models, IEditInputs inputs, Action<EditProgress>? progress, CancellationToken cancel)
    {
        using var run = EditRun.Plan(item.Request, inputs, models);
        run.Run(ItemDir(outDir, item.Id), new EditRunOptions(progress, cancel,
            Finish: f => f.Result with { JsonFiles = [.. f.Result.JsonFiles, (MarkerFile, new Marker(item.Id, item.Hash))] }));
    }
}
