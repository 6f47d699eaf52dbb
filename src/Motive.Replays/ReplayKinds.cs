namespace Motive.Replays;

/// <summary>The replays `motive selftest` offers, in help's order: a new one is one line here.</summary>
public static class ReplayKinds
{
    public static IReadOnlyList<ReplayKind> All { get; } =
    [
        SamplerReplay.Kind,
        DragReplay.Kind,
        GarReplay.Kind,
        P2pReplay.Kind,
    ];
}
