using Motive.IO.Images;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.Editing;

/// <summary>
/// The size a picture is edited at (methods whose reference resizes to the model's 512): a given width to a multiple
/// of 8, the height by the aspect to a multiple of 8; and the picture's pixels at that size.
/// </summary>
public static class RunSize
{
    /// <summary>The run size for a <paramref name="width"/>×<paramref name="height"/> picture edited <paramref name="runWidth"/> wide.</summary>
    public static (int Width, int Height) Of(int width, int height, int runWidth)
    {
        int w = Math.Max(8, (int)Math.Round(runWidth / 8.0) * 8);
        int h = Math.Max(8, (int)Math.Round((double)runWidth * height / width / 8.0) * 8);
        return (w, h);
    }

    /// <summary>What a plan that edits at a run size tells before the run: the size when it is not the picture's, and the memory estimate.</summary>
    public static IReadOnlyList<string> Notes((int Width, int Height) run, (int Width, int Height) input, MemoryEstimate? memory)
    {
        var notes = new List<string>();
        if (run != input) notes.Add($"runs at {run.Width}x{run.Height} (the picture is {input.Width}x{input.Height}); the result is resized back");
        if (memory is { } m) notes.Add(m.Note);
        return notes;
    }

    /// <summary>The picture at w×h as uint8 (H,W,3): bilinear with antialiasing when it changes size (as PIL's resize).</summary>
    public static Tensor Pixels(RgbImage picture, int w, int h)
    {
        using var scope = NewDisposeScope();
        var t = ImageTensors.ToTensor01(picture);                                  // (1,3,H,W)
        if (picture.Width == w && picture.Height == h) return (t[0].permute(1, 2, 0) * 255).round().to(uint8).MoveToOuterDisposeScope();
        var r = F.interpolate(t, size: [h, w], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return (r[0].permute(1, 2, 0) * 255).round().clamp(0, 255).to(uint8).MoveToOuterDisposeScope();
    }
}
