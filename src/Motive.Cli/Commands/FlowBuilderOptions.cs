using System.CommandLine;
using Motive.IO.Images;
using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>
/// The stroke options that build a target flow (--translate, --rotate, --zoom, --stretch, --drag, restricted to
/// --region about --center): shared by `motive flow make` and the motion input of a method's command. The scale stroke
/// is --zoom everywhere; `flow make` still takes its earlier spelling --scale.
/// </summary>
public sealed class FlowBuilderOptions(bool zoomOnly = false)
{
    public readonly Option<string?> Translate = new("--translate") { Description = "DX,DY in pixels." };
    public readonly Option<double?> Rotate = new("--rotate") { Description = "Degrees, clockwise on screen, about --center." };
    public readonly Option<double?> Scale = zoomOnly ? new("--zoom") { Description = "Scale factor about --center." }
        : new("--zoom", "--scale") { Description = "Scale factor about --center." };
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

    /// <summary>The strokes as the library's <see cref="MotionSpec"/>; a region that names a mask image is made a full path.</summary>
    public MotionSpec Spec(ParseResult r)
    {
        var strokes = new List<Stroke>();
        if (r.GetValue(Translate) is { } t) strokes.Add(Option("--translate", () => Stroke.Parse("translate", t)));
        if (r.GetValue(Rotate) is { } deg) strokes.Add(new RotateStroke(deg));
        if (r.GetValue(Scale) is { } f) strokes.Add(new ScaleStroke(f));
        if (r.GetValue(Stretch) is { } st) strokes.Add(Option("--stretch", () => Stroke.Parse("stretch", st)));
        if (r.GetValue(Drag) is { Length: > 0 } pairs) strokes.Add(new DragStroke(Option("--drag", () => pairs.Select(DragPair.Parse).ToList()), r.GetValue(Sigma)));
        var region = r.GetValue(Region);
        if (region is not null && RegionSpec.Parse(region).Kind == "mask" && File.Exists(region)) region = Path.GetFullPath(region);
        double[]? centre = r.GetValue(Center) is { } c ? Option("--center", () => Numbers.Parse(c, 2, "X,Y")) : null;
        var spec = new MotionSpec(strokes, region, centre, r.GetValue(Tolerance));
        Option("--region", () => { spec.Validate(); return 0; });
        return spec;
    }

    /// <summary>The flow (2,h,w) of the strokes; <paramref name="image"/> gives the picture for click regions.</summary>
    public Tensor Build(ParseResult r, long h, long w, Func<RgbImage>? image) => Spec(r).Build(h, w, image, ImageReader.Read);

    /// <summary>"A,B" (or with another separator) as two numbers; the message names the option.</summary>
    public static (double, double) Pair(string s, string what, char sep = ',') => Numbers.Pair(s, what, sep);

    /// <summary>Runs a library parse and puts the option's name before its message (the library speaks of strokes, not options).</summary>
    internal static T Option<T>(string name, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e) when (!e.Message.StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name}: {e.Message}", e);
        }
    }
}
