using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;

namespace Motive.Tests.Scenes;

/// <summary>The toy world: deterministic scenes, captions that say what is drawn, objects a colour segmentation finds, exact edits.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class SceneTests
{
    private static readonly int[] Seeds = Enumerable.Range(100, 40).ToArray();

    [Fact]
    public void SameSeed_SameScene_OtherSeed_OtherScene()
    {
        var a = SceneRenderer.Render(SceneGenerator.Generate(7)).Image;
        var b = SceneRenderer.Render(SceneGenerator.Generate(7)).Image;
        var c = SceneRenderer.Render(SceneGenerator.Generate(8)).Image;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Scenes_CoverEveryFamily_AndShowEachObjectWell()
    {
        var scenes = Seeds.Select(s => SceneGenerator.Generate(s)).ToList();
        Assert.Equal(Enum.GetValues<BackgroundKind>().Length, scenes.Select(s => s.Background.Kind).Distinct().Count());
        Assert.Equal(Enum.GetValues<Shape>().Length, scenes.SelectMany(s => s.Objects).Select(o => o.Shape).Distinct().Count());
        Assert.All(scenes, s => Assert.InRange(s.Objects.Count, 1, 2));
        // Objects several latent cells wide: radius 19–32 px at 128 px (a circle is 32–54 px across).
        Assert.All(scenes.SelectMany(s => s.Objects), o => Assert.InRange(o.Size, 0.15 * 128, 0.25 * 128));
        Assert.Contains(scenes, s => s.Objects.Count == 2 && Occludes(s));
        Assert.All(scenes, s => Assert.True(SceneGenerator.WellSeen(s)));
        Assert.All(scenes, s => Assert.Equal(s.Objects.Count, s.Objects.Select(o => o.Colour).Distinct().Count()));
    }

    [Fact]
    public void Captions_NameEveryObjectAndTheBackground_InTheGrammarsWords()
    {
        var scene = new Scene(128, 128, new Background(BackgroundKind.FloorSky, Palette.Backgrounds[0], Palette.Backgrounds[1], 0, 10, 0.5, 1),
            [new SceneObject(Shape.Circle, "blue", 30, 30, 20, 0), new SceneObject(Shape.Triangle, "red", 80, 80, 28, 0)]);
        Assert.Equal("a red triangle and a blue circle on a floor and sky background", Captions.Of(scene));
        var words = Captions.Words.ToHashSet();
        foreach (var s in Seeds)
        {
            var caption = Captions.Of(SceneGenerator.Generate(s));
            Assert.All(caption.Split(' '), w => Assert.Contains(w, words));
        }
    }

    /// <summary>What the bench relies on: pixels of an object's hue are that object's, so their centroid is its visible centroid.</summary>
    [Fact]
    public void ColourSegmentation_FindsEachObject()
    {
        foreach (var seed in Seeds)
        {
            var scene = SceneGenerator.Generate(seed);
            var render = SceneRenderer.Render(scene);
            for (int k = 0; k < scene.Objects.Count; k++)
            {
                var found = ImageMeasures.Segment(render.Image, render.Width, render.Height, scene.Objects[k].Colour);
                var truth = render.Visible(k);
                var (fx, fy) = ImageMeasures.Centroid(found, render.Width)!.Value;
                var (tx, ty) = ImageMeasures.Centroid(truth, render.Width)!.Value;
                Assert.True(Math.Abs(fx - tx) < 1 && Math.Abs(fy - ty) < 1, $"seed {seed}, {scene.Objects[k].Colour}: centroid ({fx:0.0},{fy:0.0}) vs ({tx:0.0},{ty:0.0})");
                double iou = ImageMeasures.IoU(found, truth);
                Assert.True(iou > 0.85, $"seed {seed}, {scene.Objects[k].Colour}: IoU {iou:0.00}");
            }
        }
    }

    /// <summary>A move by whole pixels: every pixel fully inside the moved object shows at p + flow(p) exactly what it showed at p.</summary>
    [Fact]
    public void MoveEdit_FlowCarriesEveryObjectPixelToItsNewPlace()
    {
        var scene = new Scene(128, 128, new Background(BackgroundKind.Noise, Palette.Backgrounds[0], Palette.Backgrounds[2], 0, 12, 0.5, 1),
            [new SceneObject(Shape.Triangle, "green", 50, 60, 24, 10)]);
        var gt = EditGroundTruth.Of(scene, new SceneEdit(EditKind.Move, 0, Dx: 13, Dy: -6));
        int n = 128 * 128, moved = 0;
        for (int i = 0; i < n; i++)
        {
            int x = i % 128, y = i / 128;
            if (gt.SourceRender.Labels[i] != 0) { Assert.Equal(0f, gt.Flow[i]); Assert.Equal(0f, gt.Flow[n + i]); continue; }
            Assert.Equal((13f, -6f), (gt.Flow[i], gt.Flow[n + i]));
            if (!Interior(gt.SourceRender, 0, x, y)) continue;
            int j = (y - 6) * 128 + x + 13;
            for (int c = 0; c < 3; c++) Assert.Equal(gt.SourceRender.Image[c * n + i], gt.TargetRender.Image[c * n + j], 5);
            moved++;
        }
        Assert.True(moved > 300, $"only {moved} interior pixels checked");
        Assert.Equal(0, gt.Occluded.Count(b => b));
    }

    /// <summary>Turns and scalings land between pixels: sampling the target bilinearly at T(p) gives back the source at p.</summary>
    [Theory]
    [InlineData(EditKind.Rotate)]
    [InlineData(EditKind.Scale)]
    public void RotateAndScale_FlowPointsWhereTheSurfaceWent(EditKind kind)
    {
        var scene = new Scene(128, 128, new Background(BackgroundKind.Gradient, Palette.Backgrounds[1], Palette.Backgrounds[6], 30, 10, 0.5, 1),
            [new SceneObject(Shape.Square, "yellow", 64, 64, 24, 0)]);
        var edit = kind == EditKind.Rotate ? new SceneEdit(kind, 0, Degrees: 30) : new SceneEdit(kind, 0, Factor: 1.3);
        var gt = EditGroundTruth.Of(scene, edit);
        int n = 128 * 128, checkedPixels = 0;
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            int x = i % 128, y = i / 128;
            if (!Interior(gt.SourceRender, 0, x, y, margin: 2)) continue;
            double tx = x + gt.Flow[i], ty = y + gt.Flow[n + i];
            for (int c = 0; c < 3; c++) worst = Math.Max(worst, Math.Abs(Bilinear(gt.TargetRender, c, tx, ty) - gt.SourceRender.Image[c * n + i]));
            checkedPixels++;
        }
        Assert.True(checkedPixels > 400);
        Assert.True(worst < 0.01, $"largest colour difference {worst:0.0000}");
    }

    [Fact]
    public void RandomEdits_KeepTheObjectInTheFrame_AndNeverTurnRoundShapes()
    {
        foreach (var seed in Seeds)
        {
            var scene = SceneGenerator.Generate(seed);
            var edit = EditGroundTruth.RandomEdit(scene, seed);
            var o = edit.Transform(scene.Objects[edit.Object]);
            Assert.InRange(o.X, o.Size, 128 - o.Size);
            Assert.InRange(o.Y, o.Size, 128 - o.Size);
            if (edit.Kind == EditKind.Rotate) Assert.False(Shapes.RotationInvariant(o.Shape));
            Assert.StartsWith(edit.Kind.ToString().ToLowerInvariant() + " the " + o.Colour, edit.Describe(scene));
        }
    }

    [Fact]
    public void RandomEdits_OfAKindAskedFor_AreOfThatKind_AndTurnsSkipCircles()
    {
        int circlesPassedOver = 0;
        foreach (var seed in Seeds)
        {
            var scene = SceneGenerator.Generate(seed);
            Assert.Equal(EditKind.Scale, EditGroundTruth.RandomEdit(scene, seed, kind: EditKind.Scale).Kind);
            var turn = EditGroundTruth.RandomEdit(scene, seed, kind: EditKind.Rotate);
            bool turnable = scene.Objects.Any(o => !Shapes.RotationInvariant(o.Shape));
            Assert.Equal(turnable ? EditKind.Rotate : EditKind.Move, turn.Kind);
            Assert.False(turn.Kind == EditKind.Rotate && Shapes.RotationInvariant(scene.Objects[turn.Object].Shape));
            if (turnable && scene.Objects.Any(o => Shapes.RotationInvariant(o.Shape))) circlesPassedOver++;
        }
        Assert.True(circlesPassedOver > 0, "no scene among the seeds holds both a circle and another shape");
    }

    /// <summary>The front object hides part of the one behind it (the world keeps occlusion).</summary>
    private static bool Occludes(Scene s)
    {
        var r = SceneRenderer.Render(s);
        return r.Amodal[0].Where((inside, i) => inside && r.Labels[i] == 1).Any();
    }

    /// <summary>The pixel and its neighbours within <paramref name="margin"/> show object k (no edge, no other object).</summary>
    private static bool Interior(SceneRender r, int k, int x, int y, int margin = 1)
    {
        for (int dy = -margin; dy <= margin; dy++)
            for (int dx = -margin; dx <= margin; dx++)
            {
                int px = x + dx, py = y + dy;
                if (px < 0 || py < 0 || px >= r.Width || py >= r.Height || r.Labels[py * r.Width + px] != k) return false;
            }
        return true;
    }

    private static double Bilinear(SceneRender r, int c, double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        double fx = x - x0, fy = y - y0;
        float P(int px, int py) => r.Image[c * r.Width * r.Height + Math.Clamp(py, 0, r.Height - 1) * r.Width + Math.Clamp(px, 0, r.Width - 1)];
        return (1 - fy) * ((1 - fx) * P(x0, y0) + fx * P(x0 + 1, y0)) + fy * ((1 - fx) * P(x0, y0 + 1) + fx * P(x0 + 1, y0 + 1));
    }
}
