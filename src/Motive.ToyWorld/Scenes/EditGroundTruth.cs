namespace Motive.ToyWorld.Scenes;

/// <summary>
/// An edit with exact ground truth: the source and target renders, the forward flow (2,H,W) on the source grid
/// (each pixel where the edited object is seen goes where the edit sends it; everything else stays, flow 0), the
/// source pixels whose destination is hidden or outside the frame, give or take a pixel at edges (<see cref="Occluded"/>), the target pixels the
/// object uncovered (<see cref="Revealed"/>) and the edit region (the object's visible pixels before or after).
/// </summary>
public sealed record EditGroundTruth(Scene Source, Scene Target, SceneEdit Edit, SceneRender SourceRender, SceneRender TargetRender,
    float[] Flow, bool[] Occluded, bool[] Revealed, bool[] Region)
{
    public static EditGroundTruth Of(Scene source, SceneEdit edit)
    {
        var target = edit.Apply(source);
        var a = SceneRenderer.Render(source);
        var b = SceneRenderer.Render(target);
        int w = source.Width, h = source.Height, n = w * h, k = edit.Object;
        var o = source.Objects[k];
        var flow = new float[2 * n];
        var occluded = new bool[n];
        var revealed = new bool[n];
        var region = new bool[n];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                region[i] = a.Labels[i] == k || b.Labels[i] == k;
                revealed[i] = a.Labels[i] == k && b.Labels[i] != k;
                if (a.Labels[i] != k) continue;
                var (tx, ty) = edit.Apply(o, x, y);
                flow[i] = (float)(tx - x);
                flow[n + i] = (float)(ty - y);
                occluded[i] = !SeenNear(b, k, tx, ty);
            }
        return new EditGroundTruth(source, target, edit, a, b, flow, occluded, revealed, region);
    }

    /// <summary>Object k is seen at the pixel nearest (x, y) or one of its 8 neighbours (edge pixels round either way).</summary>
    private static bool SeenNear(SceneRender r, int k, double x, double y)
    {
        int cx = (int)Math.Round(x), cy = (int)Math.Round(y);
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
            {
                int px = cx + dx, py = cy + dy;
                if (px >= 0 && py >= 0 && px < r.Width && py < r.Height && r.Labels[py * r.Width + px] == k) return true;
            }
        return false;
    }

    /// <summary>
    /// A random edit of a random object (or of object <paramref name="only"/>), deterministic per seed: a move of
    /// 8–24 px (scaled with the image), a scale by 0.7–0.85 or 1.2–1.4, or a turn of 20–60° (not for circles, whose
    /// turns cannot be seen); the object stays inside the frame. <paramref name="kind"/> asks for that kind of edit (a turn
    /// then goes to an object that is not a circle when the scene has one and <paramref name="only"/> is not given).
    /// </summary>
    public static SceneEdit RandomEdit(Scene scene, int seed, int? only = null, EditKind? kind = null)
    {
        var rng = new Random(seed);
        double side = Math.Min(scene.Width, scene.Height);
        for (int attempt = 0; ; attempt++)
        {
            int k = rng.Next(scene.Objects.Count);
            if (only is { } chosen) k = chosen;
            var o = scene.Objects[k];
            var drawn = kind ?? (EditKind)rng.Next(3);
            if (drawn == EditKind.Rotate && Shapes.RotationInvariant(o.Shape))
            {
                if (kind is not null && only is null && scene.Objects.Any(x => !Shapes.RotationInvariant(x.Shape))) continue;
                drawn = EditKind.Move;
            }
            double sign = rng.Next(2) == 0 ? -1 : 1;
            var edit = drawn switch
            {
                EditKind.Move => MoveEdit(rng, k, side),
                EditKind.Scale => new SceneEdit(drawn, k, Factor: sign > 0 ? 1.2 + 0.2 * rng.NextDouble() : 0.7 + 0.15 * rng.NextDouble()),
                _ => new SceneEdit(drawn, k, Degrees: sign * (20 + 40 * rng.NextDouble())),
            };
            var moved = edit.Transform(o);
            bool inside = moved.X - moved.Size >= 0 && moved.Y - moved.Size >= 0 && moved.X + moved.Size <= scene.Width && moved.Y + moved.Size <= scene.Height;
            if (inside || attempt >= 100) return edit;
        }
    }

    /// <summary>A random move (8–24 px at 128, any direction) of object <paramref name="k"/> that keeps it inside the frame when possible.</summary>
    public static SceneEdit RandomMove(Scene scene, int seed, int k)
    {
        var rng = new Random(seed);
        double side = Math.Min(scene.Width, scene.Height);
        var o = scene.Objects[k];
        for (int attempt = 0; ; attempt++)
        {
            var edit = MoveEdit(rng, k, side);
            var moved = edit.Transform(o);
            bool inside = moved.X - moved.Size >= 0 && moved.Y - moved.Size >= 0 && moved.X + moved.Size <= scene.Width && moved.Y + moved.Size <= scene.Height;
            if (inside || attempt >= 100) return edit;
        }
    }

    private static SceneEdit MoveEdit(Random rng, int k, double side)
    {
        double length = side / 128 * (8 + 16 * rng.NextDouble()), angle = rng.NextDouble() * 2 * Math.PI;
        return new SceneEdit(EditKind.Move, k, Dx: Math.Round(length * Math.Cos(angle)), Dy: Math.Round(length * Math.Sin(angle)));
    }
}
