using Motive.IO.Images;
using Motive.Models.Flow;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Flow;

[Trait(Tier.Category, Tier.Unit)]
public class FlowArrowsTests
{
    [Fact]
    public void Arrows_RunFromEachCellCentreToItsDestination_AndOnlyWhereThingsMove()
    {
        // 64×64 grey image; the left half moves 10 px right, the right half stays.
        var grey = new RgbImage(64, 64, Enumerable.Repeat((byte)128, 64 * 64 * 3).ToArray());
        using var flow = torch.zeros(2, 64, 64);
        flow[0, .., ..32] = torch.tensor(10f);
        var drawn = FlowArrows.Draw(grey, flow, spacing: 16);
        byte At(int x, int y) => drawn.Pixels[(y * 64 + x) * 3];

        // Cells are centred at 8, 24, 40, 56: the arrows of the left half start at x = 8 and 24 and end 10 px on.
        foreach (int y in new[] { 8, 24, 40, 56 })
            foreach (int x0 in new[] { 8, 24 })
                for (int x = x0; x <= x0 + 10; x++) Assert.Equal(0, At(x, y));
        // The static half has no arrows at all: every pixel right of the last arrow's halo keeps its grey.
        for (int y = 0; y < 64; y++)
            for (int x = 40; x < 64; x++) Assert.Equal(128, At(x, y));
        Assert.Equal(grey.Pixels.Length, drawn.Pixels.Length);
        Assert.Equal(128, grey.Pixels[(8 * 64 + 8) * 3]);   // the input image is not drawn on
    }
}
