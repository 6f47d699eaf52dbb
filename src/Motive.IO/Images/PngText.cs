using System.Buffers.Binary;
using System.Text;

namespace Motive.IO.Images;

/// <summary>Reads the uncompressed text chunks (tEXt, iTXt) of a PNG: the parameters of a Motive result.</summary>
public static class PngText
{
    public static Dictionary<string, string> Read(string path) => Parse(path, File.ReadAllBytes(path));

    /// <summary>The text of PNG bytes; errors name <paramref name="path"/> (a file, or what the bytes are).</summary>
    public static Dictionary<string, string> Parse(string path, byte[] d)
    {
        if (ImageReader.Sniff(d) != "PNG") throw new ImageFormatException(path, "not a PNG file");
        var text = new Dictionary<string, string>();
        int p = 8;
        while (p + 12 <= d.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(d.AsSpan(p));
            if (len < 0 || p + 12L + len > d.Length) throw new ImageFormatException(path, "corrupt PNG chunk length");
            var type = Encoding.ASCII.GetString(d, p + 4, 4);
            var body = d.AsSpan(p + 8, len);
            int nul = body.IndexOf((byte)0);
            if (type == "tEXt" && nul > 0)
                text[Encoding.Latin1.GetString(body[..nul])] = Encoding.Latin1.GetString(body[(nul + 1)..]);
            else if (type == "iTXt" && nul > 0 && body.Length >= nul + 3 && body[nul + 1] == 0)
            {
                // keyword \0 compression-flag method language \0 translated \0 text
                var rest = body[(nul + 3)..];
                int a = rest.IndexOf((byte)0);
                if (a >= 0)
                {
                    var rest2 = rest[(a + 1)..];
                    int b = rest2.IndexOf((byte)0);
                    if (b >= 0) text[Encoding.Latin1.GetString(body[..nul])] = Encoding.UTF8.GetString(rest2[(b + 1)..]);
                }
            }
            if (type == "IEND") break;
            p += 12 + len;
        }
        return text;
    }
}
