using Motive.Tests.Support;
using Motive.ToyWorld.Scenes;
using Motive.ToyWorld.Training;
using static TorchSharp.torch;

namespace Motive.Tests.Training;

/// <summary>The colour pairs of the UNet objective: one object recoloured per scene, and which items become pairs.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class RecolourPairsTests
{
    [Fact]
    public void Recolour_GivesOneObjectAColourNoObjectHad_AndKeepsEverythingElse()
    {
        for (int seed = 0; seed < 40; seed += 2)
        {
            var scene = SceneGenerator.Generate(seed, 128, 128);
            var recoloured = RecolourPairs.Recolour(scene, new Random(seed));
            Assert.Equal(scene.Background, recoloured.Background);
            var changed = scene.Objects.Zip(recoloured.Objects).Where(p => p.First != p.Second).ToList();
            var (before, after) = Assert.Single(changed);
            Assert.Equal(before with { Colour = after.Colour }, after);
            Assert.DoesNotContain(after.Colour, scene.Objects.Select(o => o.Colour));
            Assert.Contains(after.Colour, Palette.ObjectNames);
        }
    }

    /// <summary>
    /// Latents 1 for the scenes and 2 for their recoloured twins, ids 10 and 20: an item at an early timestep or without
    /// its caption stays as it was; with every later item drawn (share 1), each is noised from one and answered with
    /// the other, its caption the answer's, and both directions occur; the twin caption is always the other one.
    /// </summary>
    [Fact]
    public void Draw_PairsOnlyCaptionedItemsFromTheTimestep_InBothDirections()
    {
        const int n = 64;
        using var table = new RecolourPairs(full([n, 4, 2, 2], 2f), full([n, 3], 20L));
        var pairs = new ColourPairs(table, Share: 1, FromTimestep: 300);
        using var index = arange(n);
        using var x0 = ones([n, 4, 2, 2]);
        using var ids = full([n, 3], 10L);
        var dropped = tensor(Enumerable.Range(0, n).Select(i => i % 5 == 0).ToArray()).view(-1, 1);
        var t = tensor(Enumerable.Range(0, n).Select(i => (long)(i * 997 % 1000)).ToArray());
        using var g = new Generator(3);
        var (from, answer, drawnIds, twinIds) = pairs.Draw(index, x0, ids, dropped, t, 1.0, g, CPU);
        int forward = 0, backward = 0;
        for (int i = 0; i < n; i++)
        {
            float f = from[i].mean().item<float>(), a = answer[i].mean().item<float>();
            long id = drawnIds[i, 0].item<long>(), twin = twinIds[i, 0].item<long>();
            Assert.Equal(30L, id + twin);   // the twin's caption is always the other picture's
            if (i % 5 == 0 || t[i].item<long>() < 300) Assert.Equal((1f, 1f, 10L), (f, a, id));
            else
            {
                Assert.NotEqual(f, a);
                Assert.Equal(a == 2f ? 20L : 10L, id);
                if (a == 2f) forward++; else backward++;
            }
        }
        Assert.True(forward > 5 && backward > 5, $"{forward} forward, {backward} backward");
    }
}
