namespace Motive.ToyWorld.Scenes;

/// <summary>
/// Training draws even scene seeds only (Motive.Training's SceneBatches.Seeds); every evaluation, benchmark and demo uses
/// odd ones, so no measured scene was ever trained on.
/// </summary>
public static class HeldOut
{
    /// <summary>The i-th held-out scene seed (i ≥ 0).</summary>
    public static int SceneSeed(int i) => 2 * i + 1;

    public static bool IsHeldOut(int seed) => seed % 2 != 0;
}
