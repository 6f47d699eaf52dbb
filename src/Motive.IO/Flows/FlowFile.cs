using Motive.IO.Checkpoints;
using Motive.IO.Numpy;
using Motive.IO.Safetensors;
using Motive.IO.Tensors;
using TorchSharp;

namespace Motive.IO.Flows;

/// <summary>
/// Reads and writes optical flows. In memory a flow is always a float32 tensor (2, H, W) on the source
/// pixel grid: channel 0 = x displacement (right), channel 1 = y displacement (down), in pixels.
/// Files: Middlebury <c>.flo</c>; <c>.npy</c> (H×W×2 or 2×H×W, C or Fortran order); <c>.safetensors</c>
/// (key <c>flow</c>); <c>.pth</c>/<c>.pt</c> holding one tensor (1,2,H,W) or numpy array (H,W,2), as the
/// Motion Guidance reference and its GUI save them.
/// </summary>
public static class FlowFile
{
    public static readonly string[] Extensions = [".flo", ".npy", ".safetensors", ".pth", ".pt"];

    public static torch.Tensor Read(string path)
    {
        if (!File.Exists(path)) throw new FlowFormatException(path, "file not found");
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        torch.Tensor raw;
        try
        {
            raw = ext switch
            {
                ".flo" => FloFormat.Read(File.ReadAllBytes(path)),
                ".npy" => NpyFile.Read(File.ReadAllBytes(path)),
                ".safetensors" => TensorFile.Read(path, "flow"),
                ".pth" or ".pt" => TensorFile.Read(path),
                _ => throw new FormatException($"unknown flow file extension '{ext}' (use {string.Join(", ", Extensions)})"),
            };
        }
        catch (Exception e) when (e is FormatException or MotiveFormatException or IOException)
        {
            throw new FlowFormatException(path, e is MotiveFormatException m ? m.Problem : e.Message, e);
        }
        using (raw)
        {
            try
            {
                return Normalize(raw);
            }
            catch (FormatException e)
            {
                throw new FlowFormatException(path, e.Message, e);
            }
        }
    }

    public static void Write(string path, torch.Tensor flow)
    {
        Check(flow);
        using var f = flow.detach().to(torch.CPU).to(torch.float32).contiguous();
        switch (System.IO.Path.GetExtension(path).ToLowerInvariant())
        {
            case ".flo": AtomicFile.WriteAllBytes(path, FloFormat.Encode(f)); break;
            case ".npy":
                using (var hw2 = f.permute(1, 2, 0).contiguous()) NpyFile.Write(path, hw2);
                break;
            case ".safetensors": SafetensorsWriter.Write(path, [KeyValuePair.Create("flow", f)]); break;
            case ".pth" or ".pt":
                using (var b = f.unsqueeze(0)) TorchSaveWriter.WriteTensor(path, b); // (1,2,H,W), as generate.py loads it
                break;
            default: throw new ArgumentException($"{path}: unknown flow file extension (use {string.Join(", ", Extensions)})");
        }
    }

    /// <summary>Throws unless <paramref name="flow"/> is (2,H,W).</summary>
    public static void Check(torch.Tensor flow)
    {
        if (flow.dim() != 3 || flow.shape[0] != 2)
            throw new ArgumentException($"a flow must be a (2, H, W) tensor, got ({string.Join(", ", flow.shape)})");
    }

    /// <summary>Any accepted layout → float32 (2,H,W), checking that every value is finite.</summary>
    private static torch.Tensor Normalize(torch.Tensor t)
    {
        if (!DTypes.FromTorch(t.dtype).IsFloatingPoint()) throw new FormatException($"flow has element type {t.dtype}, expected floating point");
        var s = t.shape;
        using var scope = torch.NewDisposeScope();
        torch.Tensor chw = s switch
        {
            [1, 2, _, _] => t[0],
            [1, _, _, 2] => t[0].permute(2, 0, 1),
            [2, _, _] => t, // (2, H, 2) is ambiguous: read as channel-first
            [_, _, 2] => t.permute(2, 0, 1),
            _ => throw new FormatException($"flow has shape ({string.Join(", ", s)}); expected (2,H,W), (H,W,2), (1,2,H,W) or (1,H,W,2)"),
        };
        if (chw.shape[1] == 0 || chw.shape[2] == 0) throw new FormatException("flow is empty");
        var result = chw.to(torch.float32).contiguous();
        if (!result.isfinite().all().item<bool>()) throw new FormatException("flow contains NaN or infinite values");
        return result.MoveToOuterDisposeScope();
    }
}
