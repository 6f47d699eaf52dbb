using Motive.Models.Flow;
using Motive.IO.Numpy;
using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Methods;

/// <summary>The pieces around a Motion Guidance run: the size rule, schedule specs, edit-mask files.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class MotionGuidanceInputsTests
{
    [Theory]
    [InlineData(512, 512, 512, 512)]
    [InlineData(100, 70, 128, 64)]
    [InlineData(500, 375, 512, 384)]
    [InlineData(20, 20, 64, 64)]
    [InlineData(96, 160, 128, 192)]    // 1.5 → 2 (halves round away from zero), 2.5 → 3
    public void Sizing_RoundsEachSideToTheNearestMultipleOf64(int w, int h, int tw, int th)
    {
        var s = InputSizing.For(w, h);
        Assert.Equal((tw, th), (s.TargetWidth, s.TargetHeight));
        Assert.Equal(w != tw || h != th, s.Resizes);
    }

    [Fact]
    public void Sizing_ScalesFlowVectorsWithTheImage()
    {
        var s = InputSizing.For(100, 70);
        using var flow = torch.stack([torch.full(70, 100, 10f), torch.full(70, 100, -7f)]);
        using var resized = s.Flow(flow);
        Assert.Equal([2L, 64, 128], resized.shape);
        Assert.Equal(10f * 128 / 100, resized[0].mean().item<float>(), 4);
        Assert.Equal(-7f * 64 / 70, resized[1].mean().item<float>(), 4);
    }

    [Fact]
    public void ScheduleSpecs()
    {
        Assert.Equal([1.0, 1, 1], GuidanceScheduleSpec.Parse("ones", 3));
        Assert.Equal([2.0, 1.5, 1, 0.5, 0], GuidanceScheduleSpec.Parse("linear:2:0", 5));
        Assert.Equal([1.0, 1, 0, 0], GuidanceScheduleSpec.Parse("until:0.5", 4));
        Assert.Throws<ArgumentException>(() => GuidanceScheduleSpec.Parse("cosine", 4));
        using var dir = new TempDir();
        var npy = dir.File("s.npy");
        using (var t = torch.tensor(new[] { 3.0, 2.0, 1.0 })) NpyFile.Write(npy, t);
        Assert.Equal([3.0, 2.0], GuidanceScheduleSpec.Parse(npy, 2));
        var e = Assert.Throws<Motive.IO.MotiveFormatException>(() => GuidanceScheduleSpec.Parse(npy, 5));
        Assert.Equal($"{npy}: has 3 values, the run has 5 steps", e.Message);
    }

    /// <summary>Both polarities: a picture (white = free) and Motion Guidance's .mask.pth (True = keep) say the same.</summary>
    [Fact]
    public void EditMaskFiles_PictureAndPthAgree()
    {
        using var dir = new TempDir();
        using var region = torch.zeros(8, 8, dtype: torch.@bool);
        region[2..5, 3..6] = torch.tensor(true);
        var png = dir.File("m.png");
        var pth = dir.File("m.mask.pth");
        EditMaskFiles.Write(png, region);
        EditMaskFiles.Write(pth, region);
        using var a = EditMaskFiles.ReadKeepMask(png, 8, 8);
        using var b = EditMaskFiles.ReadKeepMask(pth, 8, 8);
        Assert.Equal([1L, 4, 8, 8], a.shape);
        Assert.True(a.equal(b).all().item<bool>());
        Assert.False(a[0, 0, 3, 4].item<bool>());     // inside the region: free, not kept
        Assert.True(a[0, 3, 0, 0].item<bool>());
        var e = Assert.Throws<Motive.IO.MotiveFormatException>(() => EditMaskFiles.ReadKeepMask(pth, 16, 16));
        Assert.Contains("an edit mask must be (1, 4, 16, 16)", e.Message);
    }
}
