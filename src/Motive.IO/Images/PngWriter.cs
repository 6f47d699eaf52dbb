using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Motive.IO.Images;

/// <summary>
/// Writes 8-bit RGB PNGs with text chunks, so that a result carries the parameters that made it
/// (tEXt when the text is Latin-1, iTXt (UTF-8) otherwise). Written to a temp file, then moved.
/// </summary>
public static class PngWriter
{
    public static void Write(string path, RgbImage image, IReadOnlyDictionary<string, string>? text = null) =>
        AtomicFile.Write(path, s => Encode(s, image, text));

    public static void Encode(Stream s, RgbImage image, IReadOnlyDictionary<string, string>? text = null)
    {
        s.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), image.Height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: RGB
        Chunk(s, "IHDR", ihdr);

        foreach (var (key, value) in text ?? new Dictionary<string, string>())
        {
            if (key.Length is 0 or > 79 || key.Any(c => c < 32 || c > 126))
                throw new ArgumentException($"PNG text keyword '{key}' must be 1-79 printable ASCII characters");
            bool latin1 = value.All(c => c <= 255 && c != 0);
            var chunk = new MemoryStream();
            chunk.Write(Encoding.Latin1.GetBytes(key));
            chunk.WriteByte(0);
            if (latin1)
            {
                chunk.Write(Encoding.Latin1.GetBytes(value));
                Chunk(s, "tEXt", chunk.ToArray());
            }
            else
            {
                chunk.Write([0, 0, 0, 0]); // not compressed, method 0, no language tag, no translated keyword
                chunk.Write(Encoding.UTF8.GetBytes(value));
                Chunk(s, "iTXt", chunk.ToArray());
            }
        }

        int stride = image.Width * 3;
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[stride + 1];
            for (int y = 0; y < image.Height; y++)
            {
                // Filter "Up" (2): neighbouring rows of natural images are similar, so it compresses well.
                var cur = image.Pixels.AsSpan(y * stride, stride);
                row[0] = 2;
                for (int x = 0; x < stride; x++)
                    row[x + 1] = (byte)(cur[x] - (y > 0 ? image.Pixels[(y - 1) * stride + x] : 0));
                zs.Write(row);
            }
        }
        Chunk(s, "IDAT", z.ToArray());
        Chunk(s, "IEND", []);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var t = Encoding.ASCII.GetBytes(type);
        s.Write(t);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32.Compute(t, data));
        s.Write(len);
    }
}
