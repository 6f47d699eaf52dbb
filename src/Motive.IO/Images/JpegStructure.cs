namespace Motive.IO.Images;

/// <summary>
/// Walks a JPEG's marker segments up to the start of scan and checks that each lies inside the file.
/// StbImageSharp loops forever on some truncated headers (a segment length past the end of the data),
/// so every JPEG is checked here before it is decoded.
/// </summary>
internal static class JpegStructure
{
    public static string? Problem(ReadOnlySpan<byte> d)
    {
        int p = 2; // after SOI
        bool frame = false;
        while (true)
        {
            if (p + 4 > d.Length) return "truncated before the image data";
            if (d[p] != 0xFF) return $"expected a marker at byte {p}";
            byte m = d[p + 1];
            if (m == 0xFF) { p++; continue; }                                // fill byte
            if (m is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) { p += 2; continue; } // markers without a length
            if (m == 0xD9) return "ends before any image data";
            int len = d[p + 2] << 8 | d[p + 3];
            if (len < 2 || p + 2 + len > d.Length) return $"segment at byte {p} runs past the end of the file";
            if (m is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC) frame = true;
            if (m == 0xDA) return frame ? null : "image data before the frame header";
            p += 2 + len;
        }
    }
}
