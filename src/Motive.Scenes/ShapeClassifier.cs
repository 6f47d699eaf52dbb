namespace Motive.Scenes;

/// <summary>
/// Tells which of the toy shapes a pixel mask is, by template matching: each shape is drawn at the mask's centroid,
/// with the size that gives it the mask's area, at every turn (6° steps), and the shape whose best drawing overlaps
/// the mask most (IoU) wins. What the caption-correctness measure of generated samples relies on.
/// </summary>
public static class ShapeClassifier
{
    private const int TurnStepDegrees = 6;
    private static readonly Dictionary<Shape, double> UnitArea = Enum.GetValues<Shape>().ToDictionary(s => s, Area);

    public static (Shape Shape, double IoU) Classify(bool[] mask, int width, int height)
    {
        var centre = ImageMeasures.Centroid(mask, width) ?? throw new ArgumentException("the mask is empty");
        int count = mask.Count(m => m);
        var best = (Shape: Shape.Circle, IoU: -1.0);
        foreach (var shape in Enum.GetValues<Shape>())
        {
            double size = Math.Sqrt(count / UnitArea[shape]);
            int turns = Shapes.RotationInvariant(shape) ? 1 : 360 / TurnStepDegrees;
            for (int t = 0; t < turns; t++)
            {
                double iou = Overlap(mask, width, height, shape, centre.X, centre.Y, size, t * TurnStepDegrees * Math.PI / 180);
                if (iou > best.IoU) best = (shape, iou);
            }
        }
        return best;
    }

    private static double Overlap(bool[] mask, int width, int height, Shape shape, double cx, double cy, double size, double angle)
    {
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        int both = 0, drawn = 0, inMask = 0;
        int x0 = Math.Max(0, (int)(cx - size - 1)), x1 = Math.Min(width - 1, (int)(cx + size + 1));
        int y0 = Math.Max(0, (int)(cy - size - 1)), y1 = Math.Min(height - 1, (int)(cy + size + 1));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                bool m = mask[y * width + x];
                bool s = x >= x0 && x <= x1 && y >= y0 && y <= y1 && Inside(shape, x - cx, y - cy, size, cos, sin);
                if (m) inMask++;
                if (s) drawn++;
                if (m && s) both++;
            }
        return both / (double)(inMask + drawn - both);
    }

    private static bool Inside(Shape shape, double dx, double dy, double size, double cos, double sin) =>
        Shapes.Inside(shape, (cos * dx + sin * dy) / size, (-sin * dx + cos * dy) / size);

    /// <summary>The shape's area in unit (size 1) coordinates, by a 400×400 grid over [−1, 1]².</summary>
    private static double Area(Shape shape)
    {
        const int n = 400;
        int inside = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (Shapes.Inside(shape, -1 + (i + 0.5) * 2 / n, -1 + (j + 0.5) * 2 / n)) inside++;
        return inside * 4.0 / (n * n);
    }
}
