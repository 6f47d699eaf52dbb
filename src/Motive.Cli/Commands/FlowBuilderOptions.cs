using System.CommandLine;
using System.Globalization;
using Motive.IO.Images;
using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>
/// The stroke options that build a target flow (--translate, --rotate, --zoom, --stretch, --drag, restricted to
/// --region about --center): shared by `motive flow make` and `motive move`. The scale stroke is --zoom everywhere
/// and also --scale in `flow make`; `move` keeps --scale for classifier-free guidance, the reference's name.
/// </summary>
public sealed class FlowBuilderOptions(bool scaleMeansCfg = false)
{
    public readonly Option<string?> Translate = new("--translate") { Description = "DX,DY in pixels." };
    public readonly Option<double?> Rotate = new("--rotate") { Description = "Degrees, clockwise on screen, about --center." };
    public readonly Option<double?> Scale = scaleMeansCfg ? new("--zoom") { Description = "Scale factor about --center." }
        : new("--scale", "--zoom") { Description = "Scale factor about --center." };
    public readonly Option<string?> Stretch = new("--stretch") { Description = "FACTOR,ANGLE: 1-D stretch (>1) or squeeze (<1) along ANGLE degrees, about --center." };
    public readonly Option<string[]> Drag = new("--drag") { Description = "X1,Y1:X2,Y2 handle→target pairs (repeatable).", AllowMultipleArgumentsPerToken = true };
    public readonly Option<double> Sigma = new("--sigma") { DefaultValueFactory = _ => 16.0, Description = "Falloff (px) of --drag." };
    public readonly Option<string?> Center = new("--center") { Description = "X,Y (default: the region's centre)." };
    public readonly Option<string?> Region = new("--region") { Description = "X,Y,W,H (rectangle) | ellipse:CX,CY,RX,RY | click:X,Y (on the image) | a mask image (default: everywhere)." };
    public readonly Option<int> Tolerance = new("--tolerance") { DefaultValueFactory = _ => 32, Description = "Colour tolerance of click regions (0..255)." };

    public void AddTo(Command c)
    {
        foreach (var o in new Option[] { Translate, Rotate, Scale, Stretch, Drag, Sigma, Center, Region, Tolerance }) c.Add(o);
    }

    /// <summary>True when any stroke is given.</summary>
    public bool Given(ParseResult r) =>
        r.GetValue(Translate) is not null || r.GetValue(Rotate) is not null || r.GetValue(Scale) is not null
        || r.GetValue(Stretch) is not null || r.GetValue(Drag) is { Length: > 0 };

    /// <summary>The flow (2,h,w) of the strokes; <paramref name="image"/> gives the picture for click regions.</summary>
    public Tensor Build(ParseResult r, long h, long w, Func<RgbImage>? image)
    {
        using var mask = ParseRegion(r.GetValue(Region), h, w, image, r.GetValue(Tolerance));
        var (cx, cy) = r.GetValue(Center) is { } c ? Pair(c, "--center") : Centre(mask);
        var fields = new List<Tensor>();
        try
        {
            if (r.GetValue(Translate) is { } t) { var (dx, dy) = Pair(t, "--translate"); fields.Add(FlowFields.Translate(h, w, dx, dy)); }
            if (r.GetValue(Rotate) is { } deg) fields.Add(FlowFields.Rotate(h, w, deg, cx, cy));
            if (r.GetValue(Scale) is { } f) fields.Add(FlowFields.Scale(h, w, f, cx, cy));
            if (r.GetValue(Stretch) is { } st) { var (fac, ang) = Pair(st, "--stretch"); fields.Add(FlowFields.Stretch(h, w, fac, ang, cx, cy)); }
            if (r.GetValue(Drag) is { Length: > 0 } pairs) fields.Add(FlowFields.Drag(h, w, pairs.Select(ParseDrag).ToList(), r.GetValue(Sigma)));
            if (fields.Count == 0) throw new ArgumentException("say what moves: --translate, --rotate, --scale, --stretch or --drag");
            using var composed = FlowFields.Compose(fields);
            return FlowFields.Restrict(composed, mask);
        }
        finally
        {
            foreach (var f in fields) f.Dispose();
        }
    }

    private static Tensor ParseRegion(string? spec, long h, long w, Func<RgbImage>? image, int tolerance)
    {
        if (spec is null) return Regions.Everywhere(h, w);
        if (spec.StartsWith("ellipse:", StringComparison.Ordinal))
        {
            var v = Numbers(spec[8..], 4, "--region ellipse:CX,CY,RX,RY");
            return Regions.Ellipse(h, w, v[0], v[1], v[2], v[3]);
        }
        if (spec.StartsWith("click:", StringComparison.Ordinal))
        {
            var img = image?.Invoke() ?? throw new ArgumentException("--region click:X,Y needs an image to click on");
            if (img.Width != w || img.Height != h) throw new ArgumentException($"the image is {img.Width}x{img.Height}, the flow {w}x{h}");
            var (x, y) = Pair(spec[6..], "--region click");
            return Regions.AroundClick(img, (int)x, (int)y, tolerance);
        }
        if (File.Exists(spec))
        {
            var m = ImageReader.Read(spec);
            if (m.Width != w || m.Height != h) throw new ArgumentException($"{spec} is {m.Width}x{m.Height}, the flow is {w}x{h}");
            return Regions.FromImage(m);
        }
        var rect = Numbers(spec, 4, "--region X,Y,W,H (or ellipse:…, click:…, a mask image)");
        return Regions.Rect(h, w, (long)rect[0], (long)rect[1], (long)rect[2], (long)rect[3]);
    }

    private static (double, double) Centre(Tensor mask)
    {
        using var idx = mask.nonzero();
        if (idx.shape[0] == 0) throw new ArgumentException("the region is empty");
        using var mean = idx.to(float32).mean([0]);
        return (mean[1].item<float>(), mean[0].item<float>());
    }

    private static (double X1, double Y1, double X2, double Y2) ParseDrag(string s)
    {
        var parts = s.Split(':');
        if (parts.Length != 2) throw new ArgumentException($"--drag '{s}' should be X1,Y1:X2,Y2");
        var (x1, y1) = Pair(parts[0], "--drag");
        var (x2, y2) = Pair(parts[1], "--drag");
        return (x1, y1, x2, y2);
    }

    /// <summary>"A,B" (or with another separator) as two numbers; the message names the option.</summary>
    public static (double, double) Pair(string s, string what, char sep = ',')
    {
        var v = Numbers(s, 2, what, sep);
        return (v[0], v[1]);
    }

    private static double[] Numbers(string s, int n, string what, char sep = ',')
    {
        var parts = s.Split(sep);
        var v = new double[parts.Length];
        if (parts.Length != n || !parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i])).All(ok => ok))
            throw new ArgumentException($"{what}: cannot read '{s}' as {n} numbers separated by '{sep}'");
        return v;
    }
}
