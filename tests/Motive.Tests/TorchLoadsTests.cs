using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests;

[Trait(Tier.Category, Tier.Unit)]
public class TorchLoadsTests
{
    [Fact]
    public void Torch_LoadsAndComputes_OnThisMachine()
    {
        using var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var s = a.sum();
        Assert.Equal(15f, s.item<float>());
    }
}
