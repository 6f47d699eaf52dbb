using Motive.ToyWorld;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;

namespace Motive.Tests.ToyWorld;

/// <summary>
/// The regions case set: every kind in turn, the same cases whatever part is asked for, held-out seeds from each kind's
/// documented range, and each kind doing what it is for (checked on the exact regions). One case per kind: the reveal
/// kinds scan about 20 scenes a case, a few seconds at most.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class ToyCaseSetsTests
{
    private static readonly IReadOnlyList<ToyCase> Set = ToyCaseSets.Regions(ToyCaseSets.RegionKinds.Count);

    [Fact]
    public void Regions_TakesTheKindsInTurn_FromEachKindsHeldOutRange()
    {
        Assert.Equal(ToyCaseSets.RegionKinds, Set.Select(c => c.Kind));
        for (int i = 0; i < Set.Count; i++)
        {
            int t = i % ToyCaseSets.RegionKinds.Count, index = (Set[i].Seed - 1) / 2;
            Assert.True(HeldOut.IsHeldOut(Set[i].Seed));
            Assert.InRange(index, ToyCaseSets.RegionsFirstIndex + t * ToyCaseSets.RegionsStride, ToyCaseSets.RegionsFirstIndex + (t + 1) * ToyCaseSets.RegionsStride - 1);
        }
        Assert.Equal(Set.Count, Set.Select(c => c.Seed).Distinct().Count());
    }

    [Fact]
    public void Regions_IsDeterministic_AndAPartIsTheSameCasesAsTheWhole()
    {
        var again = Set.Select(c => ToyCaseSets.RegionCase(c.Kind, c.Seed)!).ToList();
        Assert.Equal(Set.Select(c => (c.Seed, c.Edit)), again.Select(c => (c.Seed, c.Edit)));
        var part = ToyCaseSets.Regions(3, first: 4);
        Assert.Equal(Set.Skip(4).Select(c => (c.Seed, c.Edit)), part.Select(c => (c.Seed, c.Edit)));
        // A case rebuilt from its seed and edit (as a bench folder records it) has the same truth.
        var rebuilt = ToyCase.Of(Set[0].Seed, Set[0].Edit, Set[0].Set);
        Assert.Equal(Set[0].Truth.TargetRender.Image, rebuilt.Truth.TargetRender.Image);
    }

    [Fact]
    public void EachKind_DoesWhatItIsFor()
    {
        foreach (var c in Set)
        {
            var r = EditRegions.Of(c.Truth);
            var o = c.Scene.Objects[c.Edit.Object];
            switch (c.Kind)
            {
                case "reveal-front":
                    Assert.Equal(c.Scene.Objects.Count - 1, c.Edit.Object);
                    Assert.True(r.Labels.Where((l, i) => l == EditRegion.Revealed && c.Truth.TargetRender.Labels[i] != c.Edit.Object).Count() >= ToyCaseSets.MinRevealed,
                        $"{c.Seed}: the object behind shows at least {ToyCaseSets.MinRevealed} px more");
                    break;
                case "reveal-back":
                    Assert.Equal(0, c.Edit.Object);
                    Assert.True(r.Labels.Where((l, i) => l == EditRegion.Revealed && c.Truth.TargetRender.Labels[i] == 0).Count() >= ToyCaseSets.MinRevealed,
                        $"{c.Seed}: the moved object shows at least {ToyCaseSets.MinRevealed} px of itself that were hidden");
                    break;
                case "hole":
                    Assert.Equal(BackgroundKind.Noise, c.Scene.Background.Kind);
                    Assert.Equal(EditKind.Move, c.Edit.Kind);
                    Assert.True(Math.Sqrt(c.Edit.Dx * c.Edit.Dx + c.Edit.Dy * c.Edit.Dy) >= o.Size - 1, $"{c.Seed}: moved about its radius");
                    Assert.True(r.Count(EditRegion.Uncovered) >= ToyCaseSets.MinHoleShare * c.Truth.SourceRender.Labels.Count(l => l == c.Edit.Object));
                    break;
                case "scale-up":
                    Assert.Equal(EditKind.Scale, c.Edit.Kind);
                    Assert.InRange(c.Edit.Factor, 1.3, 1.5);
                    Assert.Equal(0, r.Count(EditRegion.Uncovered));
                    Assert.True(r.Count(EditRegion.Covered) > 0);
                    break;
                default:
                    Assert.Equal(c.Kind, c.Edit.Kind.ToString().ToLowerInvariant());
                    Assert.Equal(ToyCase.Largest(c.Scene), c.Edit.Object);
                    break;
            }
            var moved = c.Edit.Transform(o);
            Assert.True(moved.X - moved.Size >= 0 && moved.X + moved.Size <= c.Width && moved.Y - moved.Size >= 0 && moved.Y + moved.Size <= c.Height, $"{c.Seed}: stays in the frame");
        }
    }

    [Fact]
    public void Random_IsTheHeldOutScenesRandomEdits()
    {
        var cases = ToyCaseSets.Random(3, first: 2);
        Assert.Equal([5, 7, 9], cases.Select(c => c.Seed));
        Assert.Equal(ToyCase.Random(7).Edit, cases[1].Edit);
        Assert.Equal("rotate", new ToyCase(1, EditGroundTruth.Of(cases[0].Scene, new SceneEdit(EditKind.Rotate, 0, Degrees: 30))).Kind);
    }

    [Fact]
    public void UnknownKind_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ToyCaseSets.RegionCase("spin", 1));
        Assert.Contains("spin", e.Message);
    }
}
