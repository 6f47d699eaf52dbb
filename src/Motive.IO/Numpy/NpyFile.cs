using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Motive.IO.Tensors;
using TorchSharp;

namespace Motive.IO.Numpy;

/// <summary>
/// The .npy format (versions 1–3): magic "\x93NUMPY", version, header length, a Python dict literal
/// {'descr': '&lt;f4', 'fortran_order': False, 'shape': (H, W, 2), }, padding, then the raw array.
/// </summary>
public static partial class NpyFile
{
    const int MaxHeader = 1 << 20;

    public static bool Sniff(ReadOnlySpan<byte> d) => d.Length >= 6 && d[0] == 0x93 && d[1..6].SequenceEqual("NUMPY"u8);

    /// <summary>Reads the array. Errors are <see cref="FormatException"/>s with the problem; callers add the path.</summary>
    public static torch.Tensor Read(byte[] d)
    {
        if (!Sniff(d) || d.Length < 10) throw new FormatException("not a .npy file");
        int major = d[6];
        int headerLen, start;
        if (major == 1) { headerLen = BitConverter.ToUInt16(d, 8); start = 10; }
        else if (major is 2 or 3 && d.Length >= 12) { headerLen = (int)Math.Min(BitConverter.ToUInt32(d, 8), int.MaxValue); start = 12; }
        else throw new FormatException($".npy version {major} is not supported");
        if (headerLen > MaxHeader || start + (long)headerLen > d.Length) throw new FormatException(".npy header runs past the end of the file");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(d, start, headerLen);

        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeM = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeM.Success) throw new FormatException($".npy header is malformed: {header.Trim()}");
        var dtype = NumpyDescr.Parse(descr.Groups[1].Value, out bool bigEndian)
                    ?? throw new FormatException($".npy dtype '{descr.Groups[1].Value}' is not supported");
        var dims = shapeM.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new long[dims.Length];
        for (int i = 0; i < dims.Length; i++)
            if (!long.TryParse(dims[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
                throw new FormatException($".npy shape '{shapeM.Groups[1].Value}' is malformed");
        long bytes = dtype.ByteSize(shape);
        long dataStart = start + headerLen;
        if (bytes < 0 || bytes != d.Length - dataStart)
            throw new FormatException($".npy data holds {d.Length - dataStart} bytes, shape ({string.Join(", ", shape)}) of {dtype} needs {bytes}");
        return NpyLayout.ToTensor(d[(int)dataStart..], dtype, shape, fortran.Groups[1].Value == "True", bigEndian);
    }

    /// <summary>Writes a version-1 .npy (C order, little-endian).</summary>
    public static void Write(string path, torch.Tensor t)
    {
        var dtype = DTypes.FromTorch(t.dtype);
        var shape = t.shape.Length == 1 ? $"({t.shape[0]},)" : "(" + string.Join(", ", t.shape) + ")";
        var dict = $"{{'descr': '{NumpyDescr.Format(dtype)}', 'fortran_order': False, 'shape': {shape}, }}";
        // Pad with spaces so that the data starts at a multiple of 64, ending with a newline.
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        var header = Encoding.Latin1.GetBytes(dict + new string(' ', pad) + "\n");
        var data = RawTensor.ToBytes(t);
        AtomicFile.Write(path, s =>
        {
            s.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
            s.Write(BitConverter.GetBytes((ushort)header.Length));
            s.Write(header);
            s.Write(data);
        });
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
