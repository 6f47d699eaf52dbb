namespace Motive.Replays;

/// <summary>
/// The outcome of a replay (`motive selftest`): which recording format, what ran (<paramref name="Scope"/>, e.g. "8
/// guided evaluations"; null when the checks say it all), every check, and the one line to print.
/// </summary>
public sealed record ReplayReport(string Format, IReadOnlyList<ReplayCheck> Checks, string? Scope = null)
{
    public bool Ok => Checks.Count > 0 && Checks.All(c => c.Ok);

    public string Summary => Ok
        ? $"{Format} replay matches: {(Scope is null ? "" : Scope + ", ")}{Checks.Count} checks; closest to its limit: {Checks.MaxBy(c => c.Closeness)}"
        : Checks.Count == 0
            ? $"{Format} replay differs: nothing was compared"
            : $"{Format} replay differs: " + string.Join("; ", Checks.Where(c => !c.Ok).OrderByDescending(c => c.Closeness).Take(8));
}
