using System.Text;
using System.Text.RegularExpressions;

namespace Motive.Batch;

/// <summary>
/// An sbatch script running a manifest as a Slurm job array: task I of N runs shard I/N (Slurm gives the index in
/// SLURM_ARRAY_TASK_ID), so a resubmitted array skips what earlier tasks finished.
/// </summary>
public sealed partial record SlurmScript(string Manifest, string OutDir, int Shards, string Motive, string JobName = "motive-batch",
    string? Partition = null, string? Time = null, int? GpusPerTask = null, int? CpusPerTask = null, string Device = "cpu")
{
    public void Validate()
    {
        if (Shards is < 1 or > 100_000) throw new ArgumentException($"the number of shards must be 1..100000, not {Shards}");
        if (Time is { } t && !TimePattern().IsMatch(t)) throw new ArgumentException($"the time limit is HH:MM:SS (or D-HH:MM:SS), not '{t}'");
        if (GpusPerTask is < 0) throw new ArgumentException("GPUs per task cannot be negative");
        if (Partition is { } p && !NamePattern().IsMatch(p)) throw new ArgumentException($"'{p}' is not a Slurm partition name");
        if (!NamePattern().IsMatch(JobName)) throw new ArgumentException($"'{JobName}' is not a Slurm job name");
    }

    public string Text()
    {
        Validate();
        var s = new StringBuilder("#!/bin/bash\n");
        s.Append($"# Made by motive batch slurm: {Shards} shards of {Manifest}; resubmit this file to resume.\n");
        s.Append($"#SBATCH --job-name={JobName}\n");
        s.Append($"#SBATCH --array=0-{Shards - 1}\n");
        s.Append($"#SBATCH --output={Quote(Path.Combine(OutDir, "logs", "%A_%a.out"))}\n");
        if (Partition is { } p) s.Append($"#SBATCH --partition={p}\n");
        if (Time is { } t) s.Append($"#SBATCH --time={t}\n");
        if (GpusPerTask is > 0 and var g) s.Append($"#SBATCH --gpus-per-task={g}\n");
        if (CpusPerTask is { } c) s.Append($"#SBATCH --cpus-per-task={c}\n");
        s.Append("set -euo pipefail\n");
        s.Append($"exec {Motive} batch run {Quote(Manifest)} --out {Quote(OutDir)} --shards {Shards} --device {Device}\n");
        return s.ToString();
    }

    /// <summary>A shell word: single-quoted unless it is plain.</summary>
    public static string Quote(string word) => PlainPattern().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''") + "'";

    [GeneratedRegex(@"^(\d+-)?\d{1,3}:\d{2}:\d{2}$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./%:=+-]+$")]
    private static partial Regex PlainPattern();
}
