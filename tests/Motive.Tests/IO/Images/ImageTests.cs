using Motive.IO;
using Motive.IO.Images;
using Motive.Tests.Support;
using StbImageWriteSharp;
using TorchSharp;

namespace Motive.Tests.IO;

[Trait(Tier.Category, Tier.Unit)]
public class ImageTests
{
    static RgbImage Gradient(int w, int h)
    {
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = (y * w + x) * 3;
                px[i] = (byte)(x * 255 / (w - 1));
                px[i + 1] = (byte)(y * 255 / (h - 1));
                px[i + 2] = (byte)((x * 7 + y * 13) % 256);
            }
        return new RgbImage(w, h, px);
    }

    [Fact]
    public void Png_WriteThenRead_IsLosslessAndKeepsTextChunks()
    {
        using var dir = new TempDir();
        var img = Gradient(37, 23);
        var path = dir.File("out.png");
        var text = new Dictionary<string, string> { ["motive.prompt"] = "a red star", ["motive.note"] = "grüße ✓ 漢字" };
        PngWriter.Write(path, img, text);
        var back = ImageReader.Read(path);
        Assert.Equal((37, 23), (back.Width, back.Height));
        Assert.Equal(img.Pixels, back.Pixels);
        Assert.Equal(text, PngText.Read(path));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp")); // written via a temp file, moved into place
    }

    [Fact]
    public void Grayscale_IsRepeatedIntoRgb()
    {
        using var dir = new TempDir();
        var gray = new byte[] { 0, 100, 200, 255 };
        var path = dir.File("g.png");
        using (var fs = File.Create(path)) new ImageWriter().WritePng(gray, 2, 2, ColorComponents.Grey, fs);
        var img = ImageReader.Read(path);
        Assert.Equal(new byte[] { 0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255 }, img.Pixels);
    }

    [Fact]
    public void Alpha_IsDropped_NotComposited()
    {
        using var dir = new TempDir();
        var rgba = new byte[] { 10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255, 1, 2, 3, 7 };
        var path = dir.File("a.png");
        using (var fs = File.Create(path)) new ImageWriter().WritePng(rgba, 2, 2, ColorComponents.RedGreenBlueAlpha, fs);
        var img = ImageReader.Read(path);
        Assert.Equal(new byte[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 1, 2, 3 }, img.Pixels);
    }

    [Fact]
    public void BmpAndJpeg_Read()
    {
        using var dir = new TempDir();
        var img = Gradient(16, 8);
        var bmp = dir.File("x.bmp");
        var jpg = dir.File("x.jpg");
        using (var fs = File.Create(bmp)) new ImageWriter().WriteBmp(img.Pixels, 16, 8, ColorComponents.RedGreenBlue, fs);
        using (var fs = File.Create(jpg)) new ImageWriter().WriteJpg(img.Pixels, 16, 8, ColorComponents.RedGreenBlue, fs, 100);
        Assert.Equal(img.Pixels, ImageReader.Read(bmp).Pixels);
        var j = ImageReader.Read(jpg);
        Assert.Equal((16, 8), (j.Width, j.Height));
        double meanError = img.Pixels.Zip(j.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 6, $"JPEG mean error {meanError}");
    }

    [Fact]
    public void Tensors_RoundTripEvery8BitValue_InBothRanges()
    {
        var px = Enumerable.Range(0, 256 * 3).Select(i => (byte)(i % 256)).ToArray();
        var img = new RgbImage(16, 16, px);
        using var t01 = ImageTensors.ToTensor01(img);
        using var tpm = ImageTensors.ToTensorPm1(img);
        Assert.Equal(new long[] { 1, 3, 16, 16 }, t01.shape);
        Assert.Equal(0f, t01.min().item<float>());
        Assert.Equal(1f, t01.max().item<float>());
        Assert.Equal(-1f, tpm.min().item<float>());
        Assert.Equal(1f, tpm.max().item<float>());
        Assert.Equal(px, ImageTensors.FromTensor01(t01).Pixels);
        Assert.Equal(px, ImageTensors.FromTensorPm1(tpm).Pixels);
        // Pixel (x=1, y=0) is at bytes 3..5 of the interleaved buffer.
        Assert.Equal(px[3] / 255f, t01[0, 0, 0, 1].item<float>(), 6);
        Assert.Equal(px[4] / 255f, t01[0, 1, 0, 1].item<float>(), 6);
    }

    [Fact]
    public void UnsupportedFormat_And_HugeHeader_AreClearErrors()
    {
        using var dir = new TempDir();
        var gif = dir.File("x.gif");
        File.WriteAllBytes(gif, "GIF89a\x01\x00\x01\x00"u8.ToArray());
        Assert.Contains("not a PNG, JPEG or BMP", Assert.Throws<ImageFormatException>(() => ImageReader.Read(gif)).Message);

        var huge = dir.File("huge.png");
        var ms = new MemoryStream();
        PngWriter.Encode(ms, new RgbImage(1, 1, [1, 2, 3]));
        var bytes = ms.ToArray();
        // IHDR width and height live at bytes 16..23; claim 100000 x 100000 (the CRC no longer matches either).
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), 100_000);
        File.WriteAllBytes(huge, bytes);
        var e = Assert.Throws<ImageFormatException>(() => ImageReader.Read(huge));
        Assert.StartsWith(huge, e.Message);
    }
}
