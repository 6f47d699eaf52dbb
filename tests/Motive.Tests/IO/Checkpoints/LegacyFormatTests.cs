using Motive.IO.StateDicts;
using Motive.Tests.Support;

namespace Motive.Tests.IO;

[Trait(Tier.Category, Tier.Unit)]
public class LegacyFormatTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LegacyCheckpoint_EitherByteOrder_Loads(bool bigEndian)
    {
        using var dir = new TempDir();
        var path = dir.File("legacy.pth");
        File.WriteAllBytes(path, LegacyCheckpointBuilder.Build([("a", [1f, -2.5f, 3e7f]), ("b.c", [0.125f])], bigEndian));
        using var sd = StateDict.Open(path);
        Assert.Equal("torch-legacy", sd.Format);
        Assert.Equal(["a", "b.c"], sd.Keys);
        using var a = sd.Load("a");
        using var b = sd.Load("b.c");
        Assert.Equal(new[] { 1f, -2.5f, 3e7f }, a.data<float>().ToArray());
        Assert.Equal(new[] { 0.125f }, b.data<float>().ToArray());
    }
}
