using Motive.IO;
using Motive.IO.Safetensors;
using TorchSharp;

namespace Motive.IO.Images;

/// <summary>Image arguments: a picture (PNG/JPEG/BMP) or a .safetensors file holding 'image' [1,3,H,W].</summary>
public static class ImageInputs
{
    /// <summary>
    /// [1,3,H,W] float32: a picture in [0,1] scaled by <paramref name="pictureScale"/> and shifted by
    /// <paramref name="pictureShift"/>; a .safetensors 'image' as stored (its range is the caller's documented one).
    /// </summary>
    public static torch.Tensor Read(string path, double pictureScale = 1, double pictureShift = 0)
    {
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            using var f = SafetensorsFile.Open(path);
            var t = f.Require("image");
            if (t.Shape is not [1, 3, _, _]) throw new MotiveFormatException(path, $"'image' is [{string.Join(", ", t.Shape)}], expected [1, 3, H, W]");
            return t.Load(torch.float32);
        }
        using var x = ImageTensors.ToTensor01(ImageReader.Read(path));
        return x * pictureScale + pictureShift;
    }
}
