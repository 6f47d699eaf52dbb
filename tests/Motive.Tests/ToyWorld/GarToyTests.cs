using Motive.ToyWorld.Evaluation;
using Motive.Methods.GuideAndRescale;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Motive.ToyWorld;
using Xunit.Abstractions;

namespace Motive.Tests.ToyWorld;

/// <summary>
/// Guide-and-Rescale on the embedded model against the toy world's truth: held-out scene 3 ("a red triangle on a
/// speckled background") recoloured by caption to yellow, at the model's preset (25 steps, CFG 3). The object must
/// take the new colour (judged by the scene tools' segmentation), the rest of the picture must stay (PSNR against the
/// source outside the object ≥ 25 dB), and better than without the guidance (same inversion and CFG, energies 0).
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class GarToyTests(ITestOutputHelper output)
{
    [Fact]
    public void Recolouring_TakesTheNewColour_KeepsTheRest_BetterThanUnguided()
    {
        using var models = ToyModels.Load();
        var c = ToyRecolour.Of(HeldOut.SceneSeed(1));
        Assert.Equal(("a red triangle on a speckled background", "yellow"), (c.SourceCaption, c.Colour));
        RecolourScore Score(GarOptions? settings)
        {
            using var result = c.Run(models, settings);
            return c.Score(ToyEdit.Planar(result.Image));
        }
        var guided = Score(null);
        var plain = Score(ToyRecolourBench.Unguided(new GarOptions()));
        output.WriteLine($"guided: {guided}");
        output.WriteLine($"unguided: {plain}");
        Assert.True(guided.ColourRight, $"the triangle should be yellow: {guided.Recoloured:P0} of it is, {guided.StillOld:P0} still red");
        Assert.True(guided.PsnrOutside >= 25, $"outside the object the picture should stay: PSNR {guided.PsnrOutside:0.0} dB");
        Assert.True(guided.PsnrOutside > plain.PsnrOutside, $"guidance should keep more than no guidance: {guided.PsnrOutside:0.0} vs {plain.PsnrOutside:0.0} dB");
    }
}
