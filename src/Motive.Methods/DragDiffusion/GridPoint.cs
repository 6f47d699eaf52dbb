namespace Motive.Methods.DragDiffusion;

/// <summary>
/// A point on DragDiffusion's supervision grid (half the image size a side): (row, col), integer-valued in practice
/// (clicks are rounded onto the grid, tracking moves by whole cells). Radii and the 2-cell stop test are in these units.
/// </summary>
public readonly record struct GridPoint(double Row, double Col)
{
    /// <summary>A click (x, y) in image pixels → the grid: round(y/H·h, x/W·w), halves to even (as torch.round).</summary>
    public static GridPoint FromPixel(double x, double y, long imageHeight, long imageWidth, long gridHeight, long gridWidth) =>
        new(Math.Round((float)(y / imageHeight * gridHeight), MidpointRounding.ToEven), Math.Round((float)(x / imageWidth * gridWidth), MidpointRounding.ToEven));

    /// <summary>The Euclidean distance in grid cells, in float32 as the reference's tensors compute it.</summary>
    public float DistanceTo(GridPoint other)
    {
        float dr = (float)(other.Row - Row), dc = (float)(other.Col - Col);
        return MathF.Sqrt(dr * dr + dc * dc);
    }

    public override string ToString() => $"({Row:0.##}, {Col:0.##})";
}
