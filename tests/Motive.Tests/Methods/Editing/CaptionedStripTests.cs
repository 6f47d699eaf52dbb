using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Tests.Support;

namespace Motive.Tests.Methods.Editing;

/// <summary>A captioned strip is the plain strip on top and each caption, wrapped, under its own picture.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class CaptionedStripTests
{
    [Fact]
    public void TheStripIsKept_AndEachCaptionIsUnderItsPicture()
    {
        static RgbImage Grey(int w, byte v) => new(w, 64, Enumerable.Repeat(v, w * 64 * 3).ToArray());
        var panels = new[] { Grey(128, 90), Grey(96, 160) };
        var plain = ImageStrip.Join(panels);
        var captioned = CaptionedStrip.Join(panels, ["a blue square and a green triangle on a speckled background", "short"]);

        Assert.Equal(plain.Width, captioned.Width);
        Assert.True(captioned.Height > plain.Height + 20, $"height {captioned.Height}: the long caption should wrap to several lines");
        Assert.Equal(plain.Pixels, captioned.Pixels.Take(plain.Pixels.Length));

        // Ink (dark pixels) under each picture, and only within its columns.
        int Ink(int x0, int x1)
        {
            int n = 0;
            for (int y = plain.Height; y < captioned.Height; y++)
                for (int x = x0; x < x1; x++)
                    if (captioned.Pixels[(y * captioned.Width + x) * 3] < 128) n++;
            return n;
        }
        Assert.True(Ink(0, 128) > 0, "no text drawn: the default typeface draws nothing on this machine (install fonts, e.g. fonts-dejavu-core)");
        Assert.True(Ink(132, 228) > 0, "no text under the second picture");
        Assert.True(Ink(132, 228) < Ink(0, 128), "the short caption should take less ink than the long one");
        Assert.Equal(0, Ink(128, 132));
    }

    [Fact]
    public void CaptionsMustMatchThePictures() =>
        Assert.Throws<ArgumentException>(() => CaptionedStrip.Join([new RgbImage(8, 8, new byte[192])], ["a", "b"]));
}
