namespace Motive.Scenes;

/// <summary>
/// Inside tests of the shapes in object-local, size-normalised coordinates: (u, v) = R(−θ)(p − c) / size, so every
/// shape fits the unit circle. Simple, exact geometry: the same point is inside or not whatever renders it.
/// </summary>
public static class Shapes
{
    private static readonly (double X, double Y)[] Triangle = Regular(3, 1.0, -90);
    private static readonly (double X, double Y)[] Star = StarPolygon(5, 1.0, 0.45);

    public static bool Inside(Shape shape, double u, double v) => shape switch
    {
        Shape.Circle => u * u + v * v <= 0.85 * 0.85,
        Shape.Square => Math.Abs(u) <= 0.68 && Math.Abs(v) <= 0.68,
        Shape.Diamond => Math.Abs(u) / 0.95 + Math.Abs(v) / 0.55 <= 1,   // a rhombus: a square turned 45° would be a square
        Shape.Ring => u * u + v * v <= 0.9 * 0.9 && u * u + v * v >= 0.5 * 0.5,
        Shape.Triangle => InPolygon(Triangle, u, v),
        Shape.Star => InPolygon(Star, u, v),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    /// <summary>True when rotating the shape changes nothing one can see (so a rotate edit would be invisible).</summary>
    public static bool RotationInvariant(Shape shape) => shape is Shape.Circle or Shape.Ring;

    private static (double, double)[] Regular(int n, double r, double startDegrees) =>
        Enumerable.Range(0, n).Select(i => Polar(r, startDegrees + 360.0 * i / n)).ToArray();

    private static (double, double)[] StarPolygon(int points, double outer, double inner) =>
        Enumerable.Range(0, 2 * points).Select(i => Polar(i % 2 == 0 ? outer : inner, -90 + 180.0 * i / points)).ToArray();

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
