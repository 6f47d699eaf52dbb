using static TorchSharp.torch;

namespace Motive.Models.Flow;

/// <summary>
/// Target flows users build without Python: each a (2,H,W) float32 field on the source grid (x right, y down,
/// pixels), to be restricted to a region with <see cref="Restrict"/> and added with <see cref="Compose"/>.
/// </summary>
public static class FlowFields
{
    /// <summary>Pixel coordinates (x, y) of every pixel: two (H,W) tensors.</summary>
    private static (Tensor X, Tensor Y) Grid(long h, long w) =>
        (arange(w, dtype: float32).view(1, w).expand(h, w), arange(h, dtype: float32).view(h, 1).expand(h, w));

    public static Tensor Translate(long h, long w, double dx, double dy) =>
        stack([full(h, w, (float)dx), full(h, w, (float)dy)], 0);

    /// <summary>
    /// Rotation by <paramref name="degrees"/> about (cx, cy): F(p) = R(p − c) − (p − c), a true displacement
    /// (the reference GUI omits "− (p − c)"). Positive angles turn clockwise on screen (y points down).
    /// </summary>
    public static Tensor Rotate(long h, long w, double degrees, double cx, double cy)
    {
        var (x, y) = Grid(h, w);
        double a = degrees * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a);
        var rx = x - cx;
        var ry = y - cy;
        return stack([rx * c - ry * s - rx, rx * s + ry * c - ry], 0);
    }

    /// <summary>Scaling by <paramref name="factor"/> about (cx, cy): F(p) = (factor − 1)(p − c).</summary>
    public static Tensor Scale(long h, long w, double factor, double cx, double cy)
    {
        var (x, y) = Grid(h, w);
        return stack([(x - cx) * (factor - 1), (y - cy) * (factor - 1)], 0);
    }

    /// <summary>1-D stretch (factor &gt; 1) or squeeze (&lt; 1) along the direction at <paramref name="angleDegrees"/>, about (cx, cy).</summary>
    public static Tensor Stretch(long h, long w, double factor, double angleDegrees, double cx, double cy)
    {
        var (x, y) = Grid(h, w);
        double a = angleDegrees * Math.PI / 180, dx = Math.Cos(a), dy = Math.Sin(a);
        var along = (x - cx) * dx + (y - cy) * dy;                  // component of p − c along the direction
        return stack([along * ((factor - 1) * dx), along * ((factor - 1) * dy)], 0);
    }

    /// <summary>
    /// Drag points: each handle moves to its target; the displacement falls off as a Gaussian of width
    /// <paramref name="sigma"/> around each handle (weights normalised where several overlap, never amplified).
    /// </summary>
    public static Tensor Drag(long h, long w, IReadOnlyList<(double X1, double Y1, double X2, double Y2)> pairs, double sigma)
    {
        if (pairs.Count == 0) throw new ArgumentException("drag needs at least one handle→target pair");
        var (x, y) = Grid(h, w);
        var sum = zeros(h, w);
        var fx = zeros(h, w);
        var fy = zeros(h, w);
        foreach (var (x1, y1, x2, y2) in pairs)
        {
            var k = ((x - x1).square() + (y - y1).square()).div(-2 * sigma * sigma).exp();
            sum = sum + k;
            fx = fx + k * (x2 - x1);
            fy = fy + k * (y2 - y1);
        }
        var norm = sum.clamp_min(1.0);
        return stack([fx / norm, fy / norm], 0);
    }

    /// <summary>The flow inside <paramref name="region"/> (H,W bool), zero elsewhere.</summary>
    public static Tensor Restrict(Tensor flow, Tensor region) => flow * region.to(flow.dtype).unsqueeze(0);

    /// <summary>Several edits at once: their flows added.</summary>
    public static Tensor Compose(IEnumerable<Tensor> flows) => flows.Aggregate((a, b) => a + b);
}
