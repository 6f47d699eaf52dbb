using Motive.Methods.DragDiffusion;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Guidance;

/// <summary>DIFT's point matching: the most cosine-similar position of the source's feature, whatever the scale.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class DiftMatchTests
{
    [Fact]
    public void Match_FindsTheMovedFeature_ByDirectionNotMagnitude()
    {
        var g = new torch.Generator(3);
        using var source = torch.randn([16, 20, 30], generator: g);
        using var target = torch.randn([16, 20, 30], generator: g);
        using (torch.no_grad()) target[.., 12, 25] = source[.., 4, 7] * 5;   // the same direction, five times longer
        Assert.Equal((25, 12), Dift.Match(source, target, 7, 4));
    }
}
