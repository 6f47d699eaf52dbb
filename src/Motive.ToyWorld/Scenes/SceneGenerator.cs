namespace Motive.ToyWorld.Scenes;

/// <summary>
/// Random scenes, deterministic per seed: a background of one family and 1–2 objects of distinct colours, each at
/// least <see cref="MinVisible"/> visible and inside the frame. Sizes scale with the image (128 px: radius 19–32, so
/// an object is 4–8 latent cells wide; the first world's radius 11–25 left small objects two cells wide, and the UNet
/// drew them as blobs).
/// </summary>
public static class SceneGenerator
{
    public const double MinVisible = 0.6;

    public static Scene Generate(int seed, int width = 128, int height = 128, int maxObjects = 2)
    {
        var rng = new Random(seed);
        double side = Math.Min(width, height);
        var background = RandomBackground(rng, side);
        for (int attempt = 0; ; attempt++)
        {
            int count = 1 + rng.Next(maxObjects);
            var colours = Palette.ObjectNames.OrderBy(_ => rng.Next()).Take(count).ToList();
            var objects = colours.Select(c => RandomObject(rng, c, width, height, side)).ToList();
            var scene = new Scene(width, height, background, objects);
            if (attempt >= 50 || WellSeen(scene)) return scene;
        }
    }

    /// <summary>True when every object shows at least <see cref="MinVisible"/> of itself.</summary>
    public static bool WellSeen(Scene scene)
    {
        var render = SceneRenderer.Render(scene);
        for (int k = 0; k < scene.Objects.Count; k++)
        {
            int full = render.Amodal[k].Count(b => b), seen = render.Labels.Count(l => l == k);
            if (full == 0 || seen < MinVisible * full) return false;
        }
        return true;
    }

    private static SceneObject RandomObject(Random rng, string colour, int w, int h, double side)
    {
        var shape = (Shape)rng.Next(Enum.GetValues<Shape>().Length);
        double size = side * (0.15 + 0.10 * rng.NextDouble());
        double x = size + rng.NextDouble() * (w - 2 * size), y = size + rng.NextDouble() * (h - 2 * size);
        return new SceneObject(shape, colour, x, y, size, rng.NextDouble() * 360);
    }

    private static Background RandomBackground(Random rng, double side)
    {
        var kind = (BackgroundKind)rng.Next(Enum.GetValues<BackgroundKind>().Length);
        var colours = Palette.Backgrounds.OrderBy(_ => rng.Next()).Take(2).ToArray();
        double period = kind switch
        {
            BackgroundKind.Noise => side * (0.08 + 0.12 * rng.NextDouble()),
            _ => side * (0.07 + 0.05 * rng.NextDouble()),
        };
        return new Background(kind, colours[0], colours[1], rng.NextDouble() * 180, period, 0.35 + 0.25 * rng.NextDouble(), rng.Next());
    }
}
