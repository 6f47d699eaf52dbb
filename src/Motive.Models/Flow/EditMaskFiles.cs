using Motive.IO;
using Motive.IO.Checkpoints;
using Motive.IO.Images;
using Motive.IO.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Flow;

/// <summary>
/// Edit masks on disk, in both polarities users meet: Motion Guidance's <c>*.mask.pth</c> ((1,4,h,w) bool, True =
/// keep the reference latent) and a picture (white = free to change, any size: averaged onto the latent grid).
/// </summary>
public static class EditMaskFiles
{
    /// <summary>Writes the edit region (h,w) bool (True = free): a .pth as Motion Guidance's keep mask, else a PNG.</summary>
    public static void Write(string path, Tensor region)
    {
        if (path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase))
        {
            using var keep = EditMask.ToMotionGuidanceMask(region);
            TorchSaveWriter.WriteTensor(path, keep);
            return;
        }
        using var img = region.to(float32).unsqueeze(0).expand(3, -1, -1);
        PngWriter.Write(path, ImageTensors.FromTensor01(img));
    }

    /// <summary>The keep mask (1,4,h,w) bool (True = keep) from either kind of file, for latents of size h×w.</summary>
    public static Tensor ReadKeepMask(string path, long h, long w)
    {
        if (Path.GetExtension(path).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg" or ".bmp")
        {
            using var image = ImageTensors.ToTensor01(ImageReader.Read(path));
            using var cells = F.interpolate(image.mean([1], keepdim: true), size: [h, w], mode: InterpolationMode.Area);
            using var region = cells[0, 0].gt(0.5);
            return EditMask.ToMotionGuidanceMask(region);
        }
        using var t = TensorFile.Read(path);
        if (t.shape is not [1, 4, _, _] || t.shape[2] != h || t.shape[3] != w)
            throw new MotiveFormatException(path, $"an edit mask must be (1, 4, {h}, {w}) for this image (latent cells of 8 px), got ({string.Join(", ", t.shape)})");
        if (t.dtype == ScalarType.Bool) return t.clone();
        if (!t.isfinite().all().item<bool>()) throw new MotiveFormatException(path, "the edit mask contains NaN or infinite values");
        return t.ne(0);
    }
}
