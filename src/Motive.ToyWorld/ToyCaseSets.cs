using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld;

/// <summary>
/// The case sets `motive eval toy --set` runs. "random": held-out scenes from the first index on, each with a random
/// move, scale or turn of its largest object (<see cref="ToyCase.Random"/>). "regions": a fixed held-out set of edits a
/// warp cannot do, the kinds taken in turn (<see cref="RegionKinds"/>): case c is of kind c mod 7, and the
/// (c div 7)-th scene that kind's rule accepts. Kind t scans held-out scene indices
/// <see cref="RegionsFirstIndex"/> + 1000·t upward (scene seeds 2i + 1: 40001–41999 for reveal-front, 42001–43999
/// for reveal-back, … 52001–53999 for rotate), in order, so a case is the same whatever count is asked for, and no
/// scene of the random set's usual indices (0 up) or of training (even seeds) is among them.
/// </summary>
public static class ToyCaseSets
{
    public const string RandomSet = "random", RegionsSet = "regions";

    public static readonly IReadOnlyList<string> Names = [RandomSet, RegionsSet];

    /// <summary>
    /// reveal-front: the front object moved away from the one it hides (its hidden part must appear); reveal-back: the
    /// back object moved out from behind the front one (its own hidden part must appear); hole: the largest object moved
    /// about its own radius over a textured (noise) background (the hole must be filled with texture); scale-up: the
    /// largest object scaled by 1.3–1.5 (uncovers nothing, needs detail); move, scale, rotate: the random set's kinds.
    /// </summary>
    public static readonly IReadOnlyList<string> RegionKinds = ["reveal-front", "reveal-back", "hole", "scale-up", "move", "scale", "rotate"];

    public const int RegionsFirstIndex = 20_000, RegionsStride = 1_000;

    /// <summary>A reveal case reveals at least this many pixels (at 128 px; scaled with the area).</summary>
    public const int MinRevealed = 40;

    /// <summary>A hole case uncovers at least this share of the object's visible pixels as background.</summary>
    public const double MinHoleShare = 0.5;

    /// <summary>The random set's cases <paramref name="first"/> … first + count − 1 (held-out scene indices).</summary>
    public static IReadOnlyList<ToyCase> Random(int count, int first = 0) =>
        Enumerable.Range(first, count).Select(i => ToyCase.Random(HeldOut.SceneSeed(i))).ToList();

    /// <summary>The regions set's cases <paramref name="first"/> … first + count − 1.</summary>
    public static IReadOnlyList<ToyCase> Regions(int count, int first = 0)
    {
        var scanned = new int[RegionKinds.Count];   // how far each kind's scan has gone
        var cases = new List<ToyCase>();
        for (int c = 0; c < first + count; c++)
        {
            int t = c % RegionKinds.Count;
            ToyCase? found = null;
            while (found is null)
            {
                if (scanned[t] >= RegionsStride)
                    throw new ArgumentException($"the regions set has fewer than {c / RegionKinds.Count + 1} '{RegionKinds[t]}' cases in its {RegionsStride} scenes");
                found = RegionCase(RegionKinds[t], HeldOut.SceneSeed(RegionsFirstIndex + t * RegionsStride + scanned[t]++));
            }
            if (c >= first) cases.Add(found);
        }
        return cases;
    }

    /// <summary>The scene of <paramref name="seed"/> with an edit of <paramref name="kind"/>, or null when its rule does not accept the scene.</summary>
    public static ToyCase? RegionCase(string kind, int seed, int size = 128)
    {
        var scene = SceneGenerator.Generate(seed, size, size);
        var rng = new System.Random(seed);
        double scale = size / 128.0;
        int largest = ToyCase.Largest(scene);
        IEnumerable<SceneEdit> candidates = kind switch
        {
            "reveal-front" when scene.Objects.Count >= 2 => Away(rng, scene, scene.Objects.Count - 1, 0, scale * (16 + 12 * rng.NextDouble())),
            "reveal-back" when scene.Objects.Count >= 2 => Away(rng, scene, 0, scene.Objects.Count - 1, scale * (16 + 12 * rng.NextDouble())),
            "hole" when scene.Background.Kind == BackgroundKind.Noise => Around(rng, largest, scene.Objects[largest].Size * (1.0 + 0.4 * rng.NextDouble())),
            "scale-up" => [new SceneEdit(EditKind.Scale, largest, Factor: 1.3 + 0.2 * rng.NextDouble())],
            "move" or "scale" or "rotate" => [EditGroundTruth.RandomEdit(scene, seed, largest, Enum.Parse<EditKind>(kind, ignoreCase: true))],
            _ when RegionKinds.Contains(kind) => [],
            _ => throw new ArgumentException($"unknown case kind '{kind}'"),
        };
        foreach (var edit in candidates.Where(e => Inside(scene, e)))
        {
            if (kind == "rotate" && edit.Kind != EditKind.Rotate) continue;   // a circle's turn became a move
            var truth = EditGroundTruth.Of(scene, edit);
            if (Accepts(kind, truth, scale)) return new ToyCase(seed, truth, kind);
        }
        return null;
    }

    /// <summary>Whether an edit does what its kind is for: reveals enough, or leaves a large hole.</summary>
    private static bool Accepts(string kind, EditGroundTruth truth, double scale)
    {
        if (kind is not ("reveal-front" or "reveal-back" or "hole")) return true;
        var regions = EditRegions.Of(truth);
        if (kind != "hole") return regions.Count(EditRegion.Revealed) >= MinRevealed * scale * scale;
        int seen = truth.SourceRender.Labels.Count(l => l == truth.Edit.Object);
        return regions.Count(EditRegion.Uncovered) >= MinHoleShare * seen;
    }

    /// <summary>Moves of <paramref name="k"/> by <paramref name="length"/> px away from object <paramref name="from"/>, straight away first, then turned 25° and 50° either way.</summary>
    private static IEnumerable<SceneEdit> Away(System.Random rng, Scene scene, int k, int from, double length)
    {
        var (a, b) = (scene.Objects[k], scene.Objects[from]);
        double angle = a.X == b.X && a.Y == b.Y ? rng.NextDouble() * 360 : Math.Atan2(a.Y - b.Y, a.X - b.X) * 180 / Math.PI;
        return new[] { 0, 25, -25, 50, -50 }.Select(d => Move(k, length, angle + d));
    }

    /// <summary>Moves of <paramref name="k"/> by <paramref name="length"/> px in eight directions, from a random one.</summary>
    private static IEnumerable<SceneEdit> Around(System.Random rng, int k, double length)
    {
        double start = rng.NextDouble() * 360;
        return Enumerable.Range(0, 8).Select(i => Move(k, length, start + 45 * i));
    }

    private static SceneEdit Move(int k, double length, double degrees) =>
        new(EditKind.Move, k, Dx: Math.Round(length * Math.Cos(degrees * Math.PI / 180)), Dy: Math.Round(length * Math.Sin(degrees * Math.PI / 180)));

    /// <summary>The edited object's circumscribed circle stays in the frame.</summary>
    private static bool Inside(Scene scene, SceneEdit edit)
    {
        var o = edit.Transform(scene.Objects[edit.Object]);
        return o.X - o.Size >= 0 && o.Y - o.Size >= 0 && o.X + o.Size <= scene.Width && o.Y + o.Size <= scene.Height;
    }
}
