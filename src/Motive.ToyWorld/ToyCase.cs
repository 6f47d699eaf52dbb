using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld;

/// <summary>
/// One held-out toy edit with its ground truth: the scene, the edit, the exact target render and flow, and the
/// caption (the prompt the edit runs with). <paramref name="Set"/> names the case's kind in a case set
/// (<see cref="ToyCaseSets"/>: "reveal-front", "hole", …); without one its kind is the edit's (move, scale, rotate).
/// </summary>
public sealed record ToyCase(int Seed, EditGroundTruth Truth, string? Set = null)
{
    /// <summary>What kind of edit the case is, for tables per kind.</summary>
    public string Kind => Set ?? Edit.Kind.ToString().ToLowerInvariant();

    public Scene Scene => Truth.Source;
    public SceneEdit Edit => Truth.Edit;
    public string Caption => Captions.Of(Scene);
    public string Description => Edit.Describe(Scene);
    public int Width => Scene.Width;
    public int Height => Scene.Height;

    /// <summary>
    /// The scene of <paramref name="seed"/> with a random edit of its largest object (move, scale or turn; see
    /// <see cref="EditGroundTruth.RandomEdit"/>): the bench's cases.
    /// </summary>
    public static ToyCase Random(int seed, int size = 128)
    {
        var scene = SceneGenerator.Generate(seed, size, size);
        return new ToyCase(seed, EditGroundTruth.Of(scene, EditGroundTruth.RandomEdit(scene, seed, Largest(scene))));
    }

    /// <summary>The scene of <paramref name="seed"/> with <paramref name="edit"/> (e.g. as a bench folder recorded it).</summary>
    public static ToyCase Of(int seed, SceneEdit edit, string? kind = null, int size = 128) =>
        new(seed, EditGroundTruth.Of(SceneGenerator.Generate(seed, size, size), edit), kind);

    /// <summary>The scene of <paramref name="seed"/> with a random move of its largest object (the drag bench's cases: a drag is a move).</summary>
    public static ToyCase RandomMove(int seed, int size = 128)
    {
        var scene = SceneGenerator.Generate(seed, size, size);
        return new ToyCase(seed, EditGroundTruth.Of(scene, EditGroundTruth.RandomMove(scene, seed, Largest(scene))));
    }

    /// <summary>The index of the scene's largest object.</summary>
    public static int Largest(Scene scene) => Enumerable.Range(0, scene.Objects.Count).MaxBy(i => scene.Objects[i].Size);

    /// <summary>
    /// The demo's edit: the scene's largest object moved <paramref name="pixels"/> right, or left when right would leave
    /// the frame.
    /// </summary>
    public static ToyCase Move(int seed, double pixels = 20, int size = 128)
    {
        var scene = SceneGenerator.Generate(seed, size, size);
        int k = Largest(scene);
        var o = scene.Objects[k];
        double dx = o.X + pixels + o.Size <= size ? pixels : -pixels;
        return new ToyCase(seed, EditGroundTruth.Of(scene, new SceneEdit(EditKind.Move, k, Dx: dx)));
    }
}
