namespace Motive.ToyWorld.Scenes;

/// <summary>
/// Tells which of the toy shapes a pixel mask is, by template matching: each shape is drawn where it overlaps the mask
/// most (IoU), its centre, size and turn fitted, and the shape with the best fit wins. What the caption-correctness
/// measure of generated samples relies on.
/// </summary>
/// <remarks>
/// An object behind another shows only part of itself, and the visible part's centroid and area are not the shape's:
/// fitted there, a square with a corner hidden matches a triangle better. So the fit starts at the mask's centroid and
/// area and then climbs (centre ±1 px, size ±4 %, turn ±6°), and pixels the caller marks <c>hidden</c> (another
/// object's) count neither for nor against a drawing.
/// </remarks>
public static class ShapeClassifier
{
    private const int TurnStepDegrees = 6;
    private const double SizeStep = 1.04;
    private const int MaxClimb = 200;
    private static readonly Dictionary<Shape, double> UnitArea = Enum.GetValues<Shape>().ToDictionary(s => s, Area);

    public static (Shape Shape, double IoU) Classify(bool[] mask, int width, int height, bool[]? hidden = null)
    {
        var centre = ImageMeasures.Centroid(mask, width) ?? throw new ArgumentException("the mask is empty");
        var picture = new Picture(mask, hidden, width, height, mask.Count(m => m));
        var best = (Shape: Shape.Circle, IoU: -1.0);
        foreach (var shape in Enum.GetValues<Shape>())
        {
            double iou = Fit(picture, shape, centre.X, centre.Y, Math.Sqrt(picture.Count / UnitArea[shape]));
            if (iou > best.IoU) best = (shape, iou);
        }
        return best;
    }

    private sealed record Picture(bool[] Mask, bool[]? Hidden, int Width, int Height, int Count);

    private readonly record struct Pose(double X, double Y, double Size, int Turn);

    /// <summary>The best IoU of <paramref name="shape"/>: the best turn at the start, then steepest ascent over the pose.</summary>
    private static double Fit(Picture p, Shape shape, double cx, double cy, double size)
    {
        bool turns = !Shapes.RotationInvariant(shape);
        var pose = new Pose(cx, cy, size, 0);
        double best = Overlap(p, shape, pose);
        for (int t = 1; turns && t < 360 / TurnStepDegrees; t++)
        {
            var candidate = pose with { Turn = t };
            double iou = Overlap(p, shape, candidate);
            if (iou > best) (best, pose) = (iou, candidate);
        }
        for (int step = 0; step < MaxClimb; step++)
        {
            var next = pose;
            foreach (var candidate in Neighbours(pose, turns))
            {
                double iou = Overlap(p, shape, candidate);
                if (iou > best) (best, next) = (iou, candidate);
            }
            if (next == pose) break;
            pose = next;
        }
        return best;
    }

    private static IEnumerable<Pose> Neighbours(Pose p, bool turns)
    {
        yield return p with { X = p.X - 1 };
        yield return p with { X = p.X + 1 };
        yield return p with { Y = p.Y - 1 };
        yield return p with { Y = p.Y + 1 };
        yield return p with { Size = p.Size * SizeStep };
        yield return p with { Size = p.Size / SizeStep };
        if (!turns) yield break;
        int n = 360 / TurnStepDegrees;
        yield return p with { Turn = (p.Turn + 1) % n };
        yield return p with { Turn = (p.Turn + n - 1) % n };
    }

    /// <summary>IoU of the mask and the shape drawn at <paramref name="pose"/>, hidden pixels left out of both.</summary>
    private static double Overlap(Picture p, Shape shape, Pose pose)
    {
        double angle = pose.Turn * TurnStepDegrees * Math.PI / 180, cos = Math.Cos(angle), sin = Math.Sin(angle);
        int both = 0, drawn = 0;
        // The shapes fit their unit circle, so only the square around it can hold drawn pixels; the mask's pixels
        // outside it count through p.Count.
        int x0 = Math.Max(0, (int)(pose.X - pose.Size - 1)), x1 = Math.Min(p.Width - 1, (int)(pose.X + pose.Size + 1));
        int y0 = Math.Max(0, (int)(pose.Y - pose.Size - 1)), y1 = Math.Min(p.Height - 1, (int)(pose.Y + pose.Size + 1));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                int i = y * p.Width + x;
                bool m = p.Mask[i];
                if (!m && p.Hidden is { } h && h[i]) continue;
                if (!Inside(shape, x - pose.X, y - pose.Y, pose.Size, cos, sin)) continue;
                drawn++;
                if (m) both++;
            }
        return both / (double)(p.Count + drawn - both);
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
