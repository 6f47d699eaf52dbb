using Motive.IO;
using Motive.IO.Checkpoints;
using Motive.IO.Images;
using Motive.IO.Tensors;
using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// One DragBench case folder as published (drag_bench_evaluation/README): original_image.png, meta_data.pkl holding
/// 'prompt', 'points' ([x, y] pixels, alternating handle, target) and 'mask' (H×W, {0,1} or {0,255}; 1 = editable;
/// all zeros when none was drawn), and user_drag.png (a picture for people, not read). The pickle is read by Motive's
/// own interpreter: nothing in it runs.
/// </summary>
public sealed record DragBenchCase(RgbImage Image, IReadOnlyList<DragPair> Drags, Tensor? Mask, string Prompt)
{
    public const string ImageFile = "original_image.png", MetaFile = "meta_data.pkl";

    public static DragBenchCase Read(string folder)
    {
        var imagePath = Path.Combine(folder, ImageFile);
        var metaPath = Path.Combine(folder, MetaFile);
        if (!File.Exists(imagePath)) throw new MotiveFormatException(folder, $"is not a DragBench case: it has no {ImageFile}");
        if (!File.Exists(metaPath)) throw new MotiveFormatException(folder, $"is not a DragBench case: it has no {MetaFile}");
        var image = ImageReader.Read(imagePath);
        if (NumpyPickle.Load(metaPath) is not Dictionary<object, object?> meta) throw new MotiveFormatException(metaPath, "must hold a dict of prompt, points and mask");
        object? Field(string key) => meta.TryGetValue(key, out var v) ? v : throw new MotiveFormatException(metaPath, $"has no '{key}'");

        var prompt = Field("prompt") as string ?? throw new MotiveFormatException(metaPath, "'prompt' must be a string");
        var points = (Field("points") as IEnumerable<object?> ?? throw new MotiveFormatException(metaPath, "'points' must be a list of [x, y]"))
            .Select(p => Point(p, metaPath)).ToList();
        if (points.Count == 0 || points.Count % 2 != 0) throw new MotiveFormatException(metaPath, $"'points' must alternate handle and target, got {points.Count} points");
        var drags = Enumerable.Range(0, points.Count / 2).Select(i => new DragPair(points[2 * i].X, points[2 * i].Y, points[2 * i + 1].X, points[2 * i + 1].Y)).ToList();

        if (Field("mask") is not TensorRef maskRef) throw new MotiveFormatException(metaPath, "'mask' must be a numpy array");
        if (maskRef.Shape is not [var h, var w] || h != image.Height || w != image.Width)
            throw new MotiveFormatException(metaPath, $"'mask' is [{string.Join(", ", maskRef.Shape)}], the image {image.Width}x{image.Height} (a mask is H×W)");
        using var raw = maskRef.Load(float32);
        if (!raw.isfinite().all().item<bool>()) throw new MotiveFormatException(metaPath, "'mask' holds NaN or infinite values");
        var mask = raw.gt(0);
        if (!mask.any().item<bool>()) { mask.Dispose(); mask = null; }   // no mask drawn: everywhere may change
        return new DragBenchCase(image, drags, mask, prompt);
    }

    private static (double X, double Y) Point(object? p, string path)
    {
        var xy = p switch { object?[] t => t.ToList(), List<object?> l => l, _ => null };
        if (xy is not { Count: 2 } || !double.TryParse(Convert.ToString(xy[0], System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture, out var x)
            || !double.TryParse(Convert.ToString(xy[1], System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture, out var y))
            throw new MotiveFormatException(path, "every point must be [x, y] numbers");
        return (x, y);
    }
}
