namespace Motive.ToyWorld.Scenes;

/// <summary>
/// Inside tests of the shapes in object-local, size-normalised coordinates: (u, v) = R(−θ)(p − c) / size, so every
/// shape fits the unit circle. Simple, exact geometry: the same point is inside or not whatever renders it.
/// </summary>
public static class Shapes
{
    private static readonly (double X, double Y)[] Triangle = Regular(3, 1.0, -90);

    public static bool Inside(Shape shape, double u, double v) => shape switch
    {
        Shape.Circle => u * u + v * v <= 0.85 * 0.85,
        Shape.Square => Math.Abs(u) <= 0.68 && Math.Abs(v) <= 0.68,
        Shape.Triangle => InPolygon(Triangle, u, v),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    /// <summary>True when rotating the shape changes nothing one can see (so a rotate edit would be invisible).</summary>
    public static bool RotationInvariant(Shape shape) => shape is Shape.Circle;

    private static (double, double)[] Regular(int n, double r, double startDegrees) =>
        Enumerable.Range(0, n).Select(i => Polar(r, startDegrees + 360.0 * i / n)).ToArray();

    private static (double, double) Polar(double r, double degrees) =>
        (r * Math.Cos(degrees * Math.PI / 180), r * Math.Sin(degrees * Math.PI / 180));

    /// <summary>Even-odd rule.</summary>
    private static bool InPolygon((double X, double Y)[] poly, double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = poly.Length - 1; i < poly.Length; j = i++)
        {
            var (xi, yi) = poly[i];
            var (xj, yj) = poly[j];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }
}
