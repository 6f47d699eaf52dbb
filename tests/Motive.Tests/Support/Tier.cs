namespace Motive.Tests.Support;

/// <summary>
/// The test tiers: every test class carries exactly one <c>[Trait(Tier.Category, Tier.X)]</c> (TierTests checks it).
/// The fast tier is <c>dotnet test --filter "Category=Unit|Category=Parity"</c>; plain <c>dotnet test</c> (what
/// .ci/run runs) runs every tier.
/// </summary>
public static class Tier
{
    /// <summary>The trait's name, as <c>--filter Category=…</c> spells it.</summary>
    public const string Category = "Category";

    /// <summary>Fast and isolated: no model run end to end, no server, no outside service; well under a second or two each.</summary>
    public const string Unit = "Unit";

    /// <summary>Compares Motive with the reference implementations' golden recordings in ../shared/fixtures/parity.</summary>
    public const string Parity = "Parity";

    /// <summary>Runs whole commands, servers or edits end to end, or is otherwise slow (seconds or more).</summary>
    public const string Integration = "Integration";

    /// <summary>Drives Debian's chromium through Playwright (.ci/chromium-up provides it).</summary>
    public const string Browser = "Browser";

    /// <summary>Submits to a real cluster scheduler (Slurm: .ci/slurm-up provides it).</summary>
    public const string Cluster = "Cluster";

    /// <summary>Every tier, in the order above.</summary>
    public static readonly IReadOnlyList<string> All = [Unit, Parity, Integration, Browser, Cluster];
}
