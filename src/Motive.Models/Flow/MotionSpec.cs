using Motive.IO.Images;
using static TorchSharp.torch;

namespace Motive.Models.Flow;

/// <summary>
/// A target flow drawn from strokes: their fields summed, restricted to a region (<see cref="RegionSpec"/> text:
/// "X,Y,W,H", "ellipse:CX,CY,RX,RY", "click:X,Y" on the image, or a mask image; null = everywhere), turning and
/// scaling about <see cref="Center"/> (default: the region's centroid). <see cref="Tolerance"/> is the colour
/// tolerance (0..255) of click regions.
/// </summary>
public sealed record MotionSpec(IReadOnlyList<Stroke> Strokes, string? Region = null, double[]? Center = null, int Tolerance = 32)
{
    /// <summary>Checks everything that needs no picture: the strokes, the region text, the centre.</summary>
    public void Validate()
    {
        if (Strokes is null || Strokes.Count == 0) throw new ArgumentException("say what moves: translate, rotate, scale, stretch or drag");
        if (Strokes.Any(s => s is null)) throw new ArgumentException("a stroke is null: each stroke is an object with a \"kind\"");
        foreach (var s in Strokes) s.Validate();
        if (Center is { } c && (c.Length != 2 || c.Any(v => !double.IsFinite(v)))) throw new ArgumentException("the centre must be two finite numbers X,Y");
        if (Tolerance is < 0 or > 255) throw new ArgumentException($"the click tolerance must be in 0..255, got {Tolerance}");
        if (Region is { } r) RegionSpec.Parse(r);
    }

    /// <summary>
    /// The flow (2,h,w). <paramref name="picture"/> is the image clicked on (click regions); <paramref name="readMask"/>
    /// reads a region's mask image (what it may open is the caller's choice: a server maps upload ids, never paths).
    /// </summary>
    public Tensor Build(long h, long w, Func<RgbImage>? picture, Func<string, RgbImage> readMask)
    {
        Validate();
        using var mask = Region is null ? Regions.Everywhere(h, w) : RegionSpec.Parse(Region).Mask(h, w, picture, readMask, Tolerance);
        var (cx, cy) = Center is { } c ? (c[0], c[1]) : Centre(mask);
        var fields = new List<Tensor>();
        try
        {
            foreach (var s in Strokes) fields.Add(s.Field(h, w, cx, cy));
            using var composed = FlowFields.Compose(fields);
            return FlowFields.Restrict(composed, mask);
        }
        finally
        {
            foreach (var f in fields) f.Dispose();
        }
    }

    private static (double, double) Centre(Tensor mask)
    {
        using var idx = mask.nonzero();
        if (idx.shape[0] == 0) throw new ArgumentException("the region is empty");
        using var mean = idx.to(float32).mean([0]);
        return (mean[1].item<float>(), mean[0].item<float>());
    }
}

/// <summary>A region's text, parsed: a rectangle, an ellipse, a click, or the name of a mask image.</summary>
public sealed record RegionSpec(string Kind, double[] Numbers, string? MaskName)
{
    public static RegionSpec Parse(string spec)
    {
        if (spec.StartsWith("ellipse:", StringComparison.Ordinal)) return new("ellipse", Flow.Numbers.Parse(spec[8..], 4, "region ellipse:CX,CY,RX,RY"), null);
        if (spec.StartsWith("click:", StringComparison.Ordinal)) return new("click", Flow.Numbers.Parse(spec[6..], 2, "region click:X,Y"), null);
        if (spec.Split(',') is { Length: 4 } parts && parts.All(p => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)))
            return new("rect", Flow.Numbers.Parse(spec, 4, "region X,Y,W,H"), null);
        if (spec.Length == 0) throw new ArgumentException("the region is empty text: give X,Y,W,H, ellipse:CX,CY,RX,RY, click:X,Y or a mask image");
        return new("mask", [], spec);
    }

    public Tensor Mask(long h, long w, Func<RgbImage>? picture, Func<string, RgbImage> readMask, int tolerance)
    {
        switch (Kind)
        {
            case "ellipse": return Regions.Ellipse(h, w, Numbers[0], Numbers[1], Numbers[2], Numbers[3]);
            case "rect": return Regions.Rect(h, w, (long)Numbers[0], (long)Numbers[1], (long)Numbers[2], (long)Numbers[3]);
            case "click":
                var img = picture?.Invoke() ?? throw new ArgumentException("a click region needs an image to click on");
                if (img.Width != w || img.Height != h) throw new ArgumentException($"the image is {img.Width}x{img.Height}, the flow {w}x{h}");
                return Regions.AroundClick(img, (int)Numbers[0], (int)Numbers[1], tolerance);
            default:
                var m = readMask(MaskName!);
                if (m.Width != w || m.Height != h) throw new ArgumentException($"the region mask {MaskName} is {m.Width}x{m.Height}, the flow is {w}x{h}");
                return Regions.FromImage(m);
        }
    }
}
