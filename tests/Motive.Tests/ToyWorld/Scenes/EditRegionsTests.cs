using Motive.ToyWorld;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;

namespace Motive.Tests.Scenes;

/// <summary>
/// The edit regions on hand-built scenes whose answer is known by construction: axis-aligned squares 20 px wide
/// (half side 0.68 · size = 10 px) centred on half pixels, so every pixel centre is well inside or outside; a red
/// square behind (x 11–30, y 15–34) and a blue one in front of it (x 21–40), their overlap 10 × 20 = 200 px.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class EditRegionsTests
{
    private const int W = 64, H = 48;
    private const double Size = 10 / 0.68;

    private static SceneObject Square(string colour, double x, double y = 24.5) => new(Shape.Square, colour, x, y, Size, 0);

    private static Scene Two() => new(W, H, new Background(BackgroundKind.Gradient, Palette.Backgrounds[0], Palette.Backgrounds[1], 0, 10, 0.5, 1),
        [Square("red", 20.5), Square("blue", 30.5)]);

    private static EditRegions Regions(Scene scene, SceneEdit edit) => EditRegions.Of(EditGroundTruth.Of(scene, edit));

    /// <summary>The region's pixels as the columns it spans (every row 15–34), to compare with the construction.</summary>
    private static int[] Columns(EditRegions r, EditRegion region)
    {
        var mask = r.Mask(region);
        var cols = Enumerable.Range(0, W).Where(x => Enumerable.Range(0, H).Any(y => mask[y * W + x])).ToArray();
        Assert.All(cols, x => Assert.All(Enumerable.Range(0, H), y => Assert.Equal(y is >= 15 and <= 34, mask[y * W + x])));
        return cols;
    }

    private static int[] Span(int from, int to) => Enumerable.Range(from, to - from + 1).ToArray();

    [Fact]
    public void FrontSquareMovedAway_UncoversBackground_AndRevealsTheBackSquaresHiddenHalf()
    {
        var r = Regions(Two(), new SceneEdit(EditKind.Move, 1, Dx: 20));   // blue to x 41–60
        Assert.Equal(Span(21, 30), Columns(r, EditRegion.Revealed));       // the red square's hidden half
        Assert.Equal(Span(31, 40), Columns(r, EditRegion.Uncovered));
        Assert.Equal(Span(41, 60), Columns(r, EditRegion.Covered));
        Assert.Equal(0, r.Count(EditRegion.Overlap));
        Assert.Equal(W * H - 800, r.Count(EditRegion.Rest));
    }

    [Fact]
    public void BackSquareMovedOutFromBehind_ItsOwnHiddenPartIsRevealed()
    {
        var r = Regions(Two(), new SceneEdit(EditKind.Move, 0, Dx: -10));   // red to x 1–20; its x 21–30 was behind blue
        Assert.Equal(Span(11, 20), Columns(r, EditRegion.Revealed));
        Assert.Equal(Span(1, 10), Columns(r, EditRegion.Covered));
        Assert.Equal(0, r.Count(EditRegion.Uncovered));
        Assert.Equal(0, r.Count(EditRegion.Overlap));

        var half = Regions(Two(), new SceneEdit(EditKind.Move, 0, Dx: -5));   // red to x 6–25, x 21–25 still behind blue
        Assert.Equal(Span(16, 20), Columns(half, EditRegion.Revealed));
        Assert.Equal(Span(11, 15), Columns(half, EditRegion.Overlap));
        Assert.Equal(Span(6, 10), Columns(half, EditRegion.Covered));
        Assert.Equal(0, half.Count(EditRegion.Uncovered));
    }

    [Fact]
    public void ScaleUp_UncoversNothing_CoversARing()
    {
        var scene = new Scene(W, H, Two().Background, [Square("green", 32.5)]);
        var r = Regions(scene, new SceneEdit(EditKind.Scale, 0, Factor: 1.5));   // 20 px → 30 px wide
        Assert.Equal(0, r.Count(EditRegion.Uncovered));
        Assert.Equal(0, r.Count(EditRegion.Revealed));
        Assert.Equal(20 * 20, r.Count(EditRegion.Overlap));
        Assert.Equal(30 * 30 - 20 * 20, r.Count(EditRegion.Covered));
    }

    [Fact]
    public void ObjectMovedInFromOutsideTheFrame_ThePartNeverInThePictureIsRevealed()
    {
        var scene = new Scene(W, H, Two().Background, [Square("green", -4.5)]);   // x −14–5, seen 0–5
        var r = Regions(scene, new SceneEdit(EditKind.Move, 0, Dx: 10));          // x −4–15, seen 0–15
        Assert.Equal(Span(0, 9), Columns(r, EditRegion.Revealed));                 // its points at x −10 … −1 were never seen
        Assert.Equal(Span(10, 15), Columns(r, EditRegion.Covered));
        Assert.Equal(0, r.Count(EditRegion.Uncovered) + r.Count(EditRegion.Overlap));
    }

    /// <summary>On generated scenes: the regions split what the truth calls the edit region, and the source's object pixels that lose it are uncovered or revealed.</summary>
    [Fact]
    public void OnGeneratedEdits_RestIsOutsideTheEdit_AndUncoveredPlusRevealedOthersIsWhatTheObjectLeft()
    {
        for (int seed = 1; seed < 60; seed += 2)
        {
            var c = ToyCase.Random(seed);
            var r = EditRegions.Of(c.Truth);
            int k = c.Edit.Object;
            Assert.Equal(c.Truth.Region.Select(x => !x), r.Mask(EditRegion.Rest));
            var left = r.Labels.Select((l, i) => l == EditRegion.Uncovered || (l == EditRegion.Revealed && c.Truth.TargetRender.Labels[i] != k));
            Assert.Equal(c.Truth.Revealed, left);
        }
    }

    [Fact]
    public void Inverse_SendsEachEditedPointBack()
    {
        var o = new SceneObject(Shape.Triangle, "red", 40, 30, 20, 10);
        foreach (var edit in new[] { new SceneEdit(EditKind.Move, 0, Dx: 7, Dy: -3), new SceneEdit(EditKind.Scale, 0, Factor: 1.3), new SceneEdit(EditKind.Rotate, 0, Degrees: 35) })
        {
            var (x, y) = edit.Apply(o, 47, 21);
            var (bx, by) = edit.Inverse().Apply(edit.Transform(o), x, y);
            Assert.Equal(47, bx, 9);
            Assert.Equal(21, by, 9);
        }
    }

    [Fact]
    public void Picture_ColoursEachRegion_AndDarkensTheRest()
    {
        var scene = Two();
        var truth = EditGroundTruth.Of(scene, new SceneEdit(EditKind.Move, 1, Dx: 20));
        var r = EditRegions.Of(truth);
        var picture = r.Picture(truth.TargetRender.Image);
        (byte, byte, byte) At(int x, int y) => (picture.Pixels[(y * W + x) * 3], picture.Pixels[(y * W + x) * 3 + 1], picture.Pixels[(y * W + x) * 3 + 2]);
        (byte, byte, byte) Of(EditRegion region)
        {
            var c = EditRegions.Colour(region);
            return ((byte)Math.Round(c.R * 255), (byte)Math.Round(c.G * 255), (byte)Math.Round(c.B * 255));
        }
        Assert.Equal(Of(EditRegion.Revealed), At(25, 20));
        Assert.Equal(Of(EditRegion.Uncovered), At(35, 20));
        Assert.Equal(Of(EditRegion.Covered), At(50, 20));
        int n = W * H;
        Assert.Equal((byte)Math.Round(truth.TargetRender.Image[n + 5] / 3 * 255), At(5, 0).Item2);   // rest: a third of the target
    }
}
