using Motive.IO.Checkpoints;
using Motive.IO.Numpy;
using Motive.IO.Safetensors;
using TorchSharp;

namespace Motive.IO.Tensors;

/// <summary>
/// One tensor from a file, whatever saved it: a torch.save'd tensor or numpy array (.pth/.pt, as Motion Guidance's
/// start_zt.pth, zt.*.pth and *.mask.pth), a .npy array, or a .safetensors file (the named key, or its only tensor).
/// </summary>
public static class TensorFile
{
    public static torch.Tensor Read(string path, string? key = null)
    {
        if (!File.Exists(path)) throw new MotiveFormatException(path, "file not found");
        var ext = Path.GetExtension(path).ToLowerInvariant();
        try
        {
            switch (ext)
            {
                case ".pth" or ".pt":
                    using (var ck = TorchCheckpoint.Open(path)) return CheckpointTensors.Single(ck).Load();
                case ".npy":
                    return NpyFile.Read(File.ReadAllBytes(path));
                case ".safetensors":
                    using (var f = SafetensorsFile.Open(path))
                    {
                        if (key is not null) return f.Require(key).Load();
                        if (f.Tensors.Count != 1) throw new MotiveFormatException(path, $"holds {f.Tensors.Count} tensors; expected one");
                        return f.Tensors[0].Load();
                    }
                default:
                    throw new MotiveFormatException(path, $"unknown tensor file extension '{ext}' (use .pth, .pt, .npy or .safetensors)");
            }
        }
        catch (FormatException e)
        {
            throw new MotiveFormatException(path, e.Message, e);
        }
    }

    /// <summary>Reads a floating-point tensor of the given shape (−1 = any) with finite values only.</summary>
    public static torch.Tensor ReadFloat(string path, long[] shape, string what)
    {
        var t = Read(path);
        bool shapeOk = t.dim() == shape.Length && shape.Zip(t.shape).All(p => p.First < 0 || p.First == p.Second);
        string Shape(IEnumerable<long> s) => "[" + string.Join(", ", s.Select(v => v < 0 ? "*" : v.ToString())) + "]";
        if (!shapeOk) { t.Dispose(); throw new MotiveFormatException(path, $"{what} is {Shape(t.shape)}, expected {Shape(shape)}"); }
        if (!DTypes.FromTorch(t.dtype).IsFloatingPoint()) { t.Dispose(); throw new MotiveFormatException(path, $"{what} has element type {t.dtype}, expected floating point"); }
        using (t)
        {
            var f = t.to(torch.float32);
            if (!f.isfinite().all().item<bool>()) { f.Dispose(); throw new MotiveFormatException(path, $"{what} contains NaN or infinite values"); }
            return f;
        }
    }
}
