using StbImageSharp;

namespace Motive.IO.Images;

/// <summary>
/// Reads PNG, JPEG and BMP files (8 bits per channel) as RGB. The rules: grayscale is repeated into the
/// three channels; an alpha channel is dropped, not composited (as PIL's <c>convert("RGB")</c>, which the
/// reference implementations use); 16-bit PNGs are reduced to 8 bits.
/// </summary>
public static class ImageReader
{
    /// <summary>Larger images are refused before decoding, so a crafted header cannot exhaust memory.</summary>
    public const int MaxSide = 16384;
    public const long MaxPixels = 128L * 1024 * 1024;

    public static RgbImage Read(string path)
    {
        if (!File.Exists(path)) throw new ImageFormatException(path, "file not found");
        return Decode(path, File.ReadAllBytes(path));
    }

    public static RgbImage Decode(string path, byte[] data)
    {
        var format = Sniff(data) ?? throw new ImageFormatException(path, "not a PNG, JPEG or BMP image");
        if (format == "JPEG" && JpegStructure.Problem(data) is { } problem) throw new ImageFormatException(path, $"corrupt JPEG: {problem}");
        ImageInfo? info;
        try
        {
            using var ms = new MemoryStream(data, writable: false);
            info = ImageInfo.FromStream(ms);
        }
        catch (Exception e)
        {
            throw new ImageFormatException(path, $"corrupt {format} header ({Printable(e.Message)})", e);
        }
        if (info is not { } i) throw new ImageFormatException(path, $"corrupt {format} header");
        if (i.Width <= 0 || i.Height <= 0 || i.Width > MaxSide || i.Height > MaxSide || (long)i.Width * i.Height > MaxPixels)
            throw new ImageFormatException(path, $"{format} image of {i.Width}x{i.Height} pixels is outside the supported size (at most {MaxSide} per side)");

        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(data, ColorComponents.RedGreenBlue);
        }
        catch (Exception e)
        {
            throw new ImageFormatException(path, $"corrupt {format} data ({Printable(e.Message)})", e);
        }
        if (result?.Data is null || result.Data.Length != (long)result.Width * result.Height * 3)
            throw new ImageFormatException(path, $"corrupt {format} data");
        return new RgbImage(result.Width, result.Height, result.Data);
    }

    /// <summary>"PNG", "JPEG", "BMP", or null.</summary>
    public static string? Sniff(ReadOnlySpan<byte> d)
    {
        if (d.Length >= 8 && d[0] == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') return "PNG";
        if (d.Length >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "JPEG";
        if (d.Length >= 2 && d[0] == 'B' && d[1] == 'M') return "BMP";
        return null;
    }

    /// <summary>The decoder's reason up to its first NUL (stb_image reports C strings in fixed buffers), without control characters.</summary>
    private static string Printable(string reason)
    {
        int nul = reason.IndexOf('\0');
        var text = new string((nul >= 0 ? reason[..nul] : reason).Where(c => !char.IsControl(c)).ToArray()).Trim();
        return text.Length > 0 ? text : "truncated or damaged";
    }
}
