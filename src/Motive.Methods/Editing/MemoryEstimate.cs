namespace Motive.Methods.Editing;

/// <summary>
/// An edit's expected peak memory, said before the run and checked against the session's limit
/// (<see cref="EditModels.MaxMemoryMiB"/>): <paramref name="What"/> says what it counts, <paramref name="Smaller"/>
/// how the same edit would fit in less, when there is such a way.
/// </summary>
public sealed record MemoryEstimate(double MiB, string What, string? Smaller = null)
{
    public string Note => $"memory estimate: about {Format(MiB)} for {What}, beside the process's own ~0.3 GiB";

    public static string Format(double mib) => mib >= 1024 ? $"{mib / 1024:0.0} GiB" : $"{mib:0} MiB";
}

/// <summary>An edit whose memory estimate is over the session's limit: refused before any model is loaded.</summary>
public sealed class EditMemoryException(MemoryEstimate estimate, double limitMiB, string device)
    : ArgumentException($"this edit needs about {MemoryEstimate.Format(estimate.MiB)} ({estimate.What}), more than the {MemoryEstimate.Format(limitMiB)} " +
                        $"allowed on {device}{(estimate.Smaller is { } s ? $"; {s}" : "")}")
{
    public MemoryEstimate Estimate { get; } = estimate;
    public double LimitMiB { get; } = limitMiB;
}
