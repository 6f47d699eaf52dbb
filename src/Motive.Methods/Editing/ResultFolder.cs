using System.Text.Json.Nodes;
using Motive.IO;
using Motive.IO.Checkpoints;
using Motive.IO.Images;
using Motive.IO.Json;

namespace Motive.Methods.Editing;

/// <summary>
/// A result folder, written atomically: everything (intermediates during the run, then result.png, summary.png,
/// metrics.json, run.json, tensors) goes into a hidden temporary folder beside the target, which replaces the target
/// only when complete. Creating it proves the place writable before any model is called; a failure or a cancel
/// leaves nothing behind. An existing target is replaced only when it is empty or an earlier result (has run.json).
/// </summary>
public sealed class ResultFolder : IDisposable
{
    private bool committed;

    private ResultFolder(string target, string work)
    {
        Target = target;
        WorkDir = work;
    }

    /// <summary>Where the result will be.</summary>
    public string Target { get; }

    /// <summary>The temporary folder the run writes into (intermediates go here).</summary>
    public string WorkDir { get; }

    public static ResultFolder Create(string dir)
    {
        var target = Path.GetFullPath(dir);
        if (File.Exists(target)) throw new MotiveFormatException(dir, "is a file; the result needs a folder");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !File.Exists(Path.Combine(target, "run.json")))
            throw new MotiveFormatException(dir, "exists and is not a Motive result folder (no run.json); choose an empty or new folder");
        var parent = Path.GetDirectoryName(target)!;
        var work = Path.Combine(parent, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(work);
            File.WriteAllBytes(Path.Combine(work, ".probe"), []);   // a folder one may create but not write to exists (read-only mounts)
            File.Delete(Path.Combine(work, ".probe"));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            Folders.TryDelete(work);
            throw new MotiveFormatException(dir, $"cannot be written: the folder {parent} does not take new files ({e.GetType().Name.Replace("Exception", "")})");
        }
        return new ResultFolder(target, work);
    }

    /// <summary>Writes the result and moves it into place. <paramref name="request"/> is the resolved request.</summary>
    public void Commit(EditRequest request, EditResult result)
    {
        var version = typeof(EditRequest).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";
        var text = new Dictionary<string, string> { ["motive.request"] = EditJson.Serialize(request, indented: false), ["motive.version"] = version };
        PngWriter.Write(Path.Combine(WorkDir, "result.png"), result.Image, text);
        if (result.Summary is { } summary)
            PngWriter.Write(Path.Combine(WorkDir, "summary.png"), summary, result.SummaryPanels is { } p ? new Dictionary<string, string> { ["motive.panels"] = p } : null);
        foreach (var (file, picture) in result.Pictures) PngWriter.Write(Path.Combine(WorkDir, file), picture);
        foreach (var (file, tensor) in result.Tensors) TorchSaveWriter.WriteTensor(Path.Combine(WorkDir, file), tensor);
        foreach (var (file, bytes) in result.Files) File.WriteAllBytes(Path.Combine(WorkDir, file), bytes);
        foreach (var (file, value) in result.JsonFiles) MotiveJson.Write(Path.Combine(WorkDir, file), value);
        MotiveJson.Write(Path.Combine(WorkDir, "metrics.json"), result.Metrics);

        var record = EditJson.ToNode(request);
        record[EditJson.VersionKey] = version;
        var outcome = new JsonObject { [EditJson.ElapsedKey] = Math.Round(result.Elapsed.TotalSeconds, 3) };
        outcome["metrics"] = System.Text.Json.JsonSerializer.SerializeToNode(result.Metrics, MotiveJson.Options);
        foreach (var (k, v) in result.Record) outcome[k] = System.Text.Json.JsonSerializer.SerializeToNode(v, MotiveJson.Options);
        record[EditJson.ResultKey] = outcome;
        File.WriteAllText(Path.Combine(WorkDir, "run.json"), record.ToJsonString(MotiveJson.Options));

        var old = Directory.Exists(Target) ? WorkDir + ".old" : null;
        if (old is not null) Directory.Move(Target, old);
        Directory.Move(WorkDir, Target);
        committed = true;
        if (old is not null) Folders.TryDelete(old);
    }

    public void Dispose()
    {
        if (!committed) Folders.TryDelete(WorkDir);
    }
}
