namespace Motive.Batch;

/// <summary>
/// Which part of a manifest a worker runs: shard <see cref="Index"/> of <see cref="Count"/> takes the items whose
/// position modulo the count is its index (round robin, so shards stay balanced whatever the order).
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static readonly Shard All = new(0, 1);

    public bool Takes(int position) => position % Count == Index;

    /// <summary>"I/N".</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var i) || !int.TryParse(parts[1], out var n))
            throw new ArgumentException($"a shard is I/N (e.g. 0/4), not '{text}'");
        return Check(i, n, $"shard {text}");
    }

    /// <summary>
    /// The shard an engine gives a worker: Slurm's array task id (with the array's task count, or
    /// <paramref name="count"/>), or a Kubernetes Indexed Job's completion index (with <paramref name="count"/>).
    /// Null when no engine says.
    /// </summary>
    public static Shard? FromEnvironment(int? count, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (env("SLURM_ARRAY_TASK_ID") is { Length: > 0 } slurm)
        {
            int n = count ?? (int.TryParse(env("SLURM_ARRAY_TASK_COUNT"), out var c) ? c
                : throw new ArgumentException("SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT: give the number of shards"));
            // An array may start anywhere (--array=1-4): positions count from its first task.
            int first = int.TryParse(env("SLURM_ARRAY_TASK_MIN"), out var m) ? m : 0;
            return Check(Number(slurm, "SLURM_ARRAY_TASK_ID") - first, n, "SLURM_ARRAY_TASK_ID");
        }
        if (env("JOB_COMPLETION_INDEX") is { Length: > 0 } k8s)
            return Check(Number(k8s, "JOB_COMPLETION_INDEX"), count ?? throw new ArgumentException("JOB_COMPLETION_INDEX is set: give the number of shards"), "JOB_COMPLETION_INDEX");
        return null;
    }

    private static int Number(string text, string what) =>
        int.TryParse(text, out var v) ? v : throw new ArgumentException($"{what} is '{text}', not a number");

    private static Shard Check(int index, int count, string what)
    {
        if (count < 1) throw new ArgumentException($"{what}: the number of shards must be at least 1, got {count}");
        if (index < 0 || index >= count) throw new ArgumentException($"{what}: shard {index} is outside 0..{count - 1}");
        return new Shard(index, count);
    }

    public override string ToString() => $"{Index}/{Count}";
}
