using System.Globalization;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace Motive.Models.Flow;

/// <summary>
/// One motion a user draws, as `motive flow make` and `motive move` spell it: translate DX,DY; rotate DEG (clockwise
/// on screen) and scale F about a centre; stretch F,ANGLE (1-D, along ANGLE degrees); drag X1,Y1:X2,Y2 handle→target
/// pairs (Gaussian falloff). <see cref="Field"/> is its flow over the whole image; <see cref="MotionSpec"/> composes
/// strokes and restricts them to a region. JSON: {"kind": "translate", "dx": 20, "dy": 0}, …
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(TranslateStroke), "translate")]
[JsonDerivedType(typeof(RotateStroke), "rotate")]
[JsonDerivedType(typeof(ScaleStroke), "scale")]
[JsonDerivedType(typeof(StretchStroke), "stretch")]
[JsonDerivedType(typeof(DragStroke), "drag")]
public abstract record Stroke
{
    /// <summary>The flow (2,h,w) of this stroke alone, about (cx, cy) where it turns or scales.</summary>
    public abstract Tensor Field(long h, long w, double cx, double cy);

    /// <summary>Checks the numbers (finite, sensible); the message names the stroke.</summary>
    public abstract void Validate();

    /// <summary>A stroke from its CLI text: <paramref name="kind"/> is translate|rotate|scale|stretch|drag, <paramref name="text"/> its value.</summary>
    public static Stroke Parse(string kind, string text) => kind switch
    {
        "translate" => Numbers.Pair(text, "translate DX,DY") is var (dx, dy) ? new TranslateStroke(dx, dy) : null!,
        "rotate" => new RotateStroke(Numbers.One(text, "rotate DEG")),
        "scale" => new ScaleStroke(Numbers.One(text, "scale F")),
        "stretch" => Numbers.Pair(text, "stretch FACTOR,ANGLE") is var (f, a) ? new StretchStroke(f, a) : null!,
        "drag" => new DragStroke([DragPair.Parse(text)]),
        _ => throw new ArgumentException($"unknown stroke '{kind}': use translate, rotate, scale, stretch or drag"),
    };

    protected static void Finite(string what, params double[] values)
    {
        if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException($"{what}: the numbers must be finite");
    }
}

public sealed record TranslateStroke(double Dx, double Dy) : Stroke
{
    public override Tensor Field(long h, long w, double cx, double cy) => FlowFields.Translate(h, w, Dx, Dy);
    public override void Validate() => Finite("translate", Dx, Dy);
}

public sealed record RotateStroke(double Degrees) : Stroke
{
    public override Tensor Field(long h, long w, double cx, double cy) => FlowFields.Rotate(h, w, Degrees, cx, cy);
    public override void Validate() => Finite("rotate", Degrees);
}

public sealed record ScaleStroke(double Factor) : Stroke
{
    public override Tensor Field(long h, long w, double cx, double cy) => FlowFields.Scale(h, w, Factor, cx, cy);

    public override void Validate()
    {
        Finite("scale", Factor);
        if (Factor <= 0) throw new ArgumentException($"scale: the factor must be positive, got {Factor}");
    }
}

public sealed record StretchStroke(double Factor, double Angle) : Stroke
{
    public override Tensor Field(long h, long w, double cx, double cy) => FlowFields.Stretch(h, w, Factor, Angle, cx, cy);

    public override void Validate()
    {
        Finite("stretch", Factor, Angle);
        if (Factor <= 0) throw new ArgumentException($"stretch: the factor must be positive, got {Factor}");
    }
}

/// <summary>Handle→target pairs with a Gaussian falloff of <paramref name="Sigma"/> px.</summary>
public sealed record DragStroke(IReadOnlyList<DragPair> Pairs, double Sigma = 16) : Stroke
{
    public override Tensor Field(long h, long w, double cx, double cy) =>
        FlowFields.Drag(h, w, Pairs.Select(p => (p.X1, p.Y1, p.X2, p.Y2)).ToList(), Sigma);

    public override void Validate()
    {
        if (Pairs is null || Pairs.Count == 0) throw new ArgumentException("drag: give at least one X1,Y1:X2,Y2 pair");
        if (Pairs.Any(p => p is null)) throw new ArgumentException("drag: a pair is null: each pair is an object with x1, y1, x2, y2");
        Finite("drag", [.. Pairs.SelectMany(p => new[] { p.X1, p.Y1, p.X2, p.Y2 }), Sigma]);
        if (Sigma <= 0) throw new ArgumentException($"drag: sigma must be positive, got {Sigma}");
    }
}

/// <summary>A handle (X1, Y1) and where it goes (X2, Y2), in pixels.</summary>
public sealed record DragPair(double X1, double Y1, double X2, double Y2)
{
    /// <summary>"X1,Y1:X2,Y2".</summary>
    public static DragPair Parse(string s)
    {
        var parts = s.Split(':');
        if (parts.Length != 2) throw new ArgumentException($"drag '{s}' should be X1,Y1:X2,Y2");
        var (x1, y1) = Numbers.Pair(parts[0], "drag X1,Y1:X2,Y2");
        var (x2, y2) = Numbers.Pair(parts[1], "drag X1,Y1:X2,Y2");
        return new DragPair(x1, y1, x2, y2);
    }
}

/// <summary>The number lists of stroke and region texts ("20,0", "ellipse:64,64,20,10").</summary>
public static class Numbers
{
    public static double One(string s, string what) => Parse(s, 1, what, ',')[0];

    /// <summary>"A,B" (or with another separator) as two numbers; the message names what was being read.</summary>
    public static (double, double) Pair(string s, string what, char sep = ',')
    {
        var v = Parse(s, 2, what, sep);
        return (v[0], v[1]);
    }

    public static double[] Parse(string s, int n, string what, char sep = ',')
    {
        var parts = s.Split(sep);
        var v = new double[parts.Length];
        if (parts.Length != n || !parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i])).All(ok => ok))
            throw new ArgumentException($"{what}: cannot read '{s}' as {n} number{(n == 1 ? "" : "s")}{(n > 1 ? $" separated by '{sep}'" : "")}");
        if (v.Any(x => !double.IsFinite(x))) throw new ArgumentException($"{what}: '{s}' is not finite");
        return v;
    }
}
