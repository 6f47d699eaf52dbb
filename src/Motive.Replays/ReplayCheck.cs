namespace Motive.Replays;

/// <summary>
/// One compared tensor, number list or count of a replayed reference run: its difference to the recording (measured
/// as <paramref name="Measure"/> says), the limit it must stay within, and, where the limit was widened by the run's
/// own float rounding (twin runs, see <see cref="SamplerReplay"/>), that spread.
/// </summary>
public sealed record ReplayCheck(string Name, double Diff, double Limit, string Measure = ReplayCheck.MaxAbs, double Spread = 0)
{
    public const string MaxAbs = "max |diff|", RelativeL2 = "relative L2";

    public bool Ok => Diff <= Limit;   // NaN compares false: a NaN anywhere fails

    /// <summary>Diff over limit: how close the check came to failing (0 for an exact check that holds).</summary>
    public double Closeness => Limit > 0 ? Diff / Limit : Diff > 0 || double.IsNaN(Diff) ? double.PositiveInfinity : 0;

    public override string ToString() =>
        $"{Name} {Measure} {Diff:g3} (limit {Limit:g3}{(Spread > 0 ? $", float rounding spread {Spread:g3}" : "")})";
}
