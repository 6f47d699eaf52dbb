using static TorchSharp.torch;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// Patches of a feature map (1, C, H, W), DragDiffusion's way: whole-cell windows around a point, clamped to the map,
/// and the same window shifted by a fractional offset, read with bilinear weights. The offset is the same for the
/// whole patch, so the four weights are scalars (drag_utils.interpolate_feature_patch).
/// </summary>
public static class FeaturePatch
{
    /// <summary>Rows [r1, r2) and columns [c1, c2) of the window of radius <paramref name="radius"/> around p (truncated to whole cells, clamped to the map).</summary>
    public static (int R1, int R2, int C1, int C2) Window(GridPoint p, int radius, long height, long width) =>
        (Math.Max(0, (int)p.Row - radius), (int)Math.Min(height, (int)p.Row + radius + 1),
         Math.Max(0, (int)p.Col - radius), (int)Math.Min(width, (int)p.Col + radius + 1));

    /// <summary>
    /// The window [y1, y2) × [x1, x2) moved by the fractional (dy, dx): Σ of the four neighbouring whole-cell windows,
    /// weighted (1−fy)(1−fx), fy(1−fx), (1−fy)fx, fy·fx, with the weights in float32 as the reference. Cells past the
    /// map's edge read the edge (the reference's slices would wrap or come out short there; both patches keep one size).
    /// </summary>
    public static Tensor Shifted(Tensor feat, int y1, int y2, int x1, int x2, float dy, float dx)
    {
        float fy1 = y1 + dy, fx1 = x1 + dx;
        int y0 = (int)MathF.Floor(fy1), x0 = (int)MathF.Floor(fx1);
        int h = y2 - y1, w = x2 - x1;
        float wa = (x0 + 1 - fx1) * (y0 + 1 - fy1);
        float wb = (x0 + 1 - fx1) * (fy1 - y0);
        float wc = (fx1 - x0) * (y0 + 1 - fy1);
        float wd = (fx1 - x0) * (fy1 - y0);
        return Cells(feat, y0, x0, h, w) * wa + Cells(feat, y0 + 1, x0, h, w) * wb
             + Cells(feat, y0, x0 + 1, h, w) * wc + Cells(feat, y0 + 1, x0 + 1, h, w) * wd;
    }

    /// <summary>The h×w cells from (row, col), indices clamped to the map.</summary>
    private static Tensor Cells(Tensor feat, int row, int col, int h, int w)
    {
        long height = feat.shape[2], width = feat.shape[3];
        if (row >= 0 && col >= 0 && row + h <= height && col + w <= width)
            return feat[.., .., row..(row + h), col..(col + w)];
        using var rows = arange(row, row + h, dtype: ScalarType.Int64).clamp(0, height - 1);
        using var cols = arange(col, col + w, dtype: ScalarType.Int64).clamp(0, width - 1);
        return feat.index_select(2, rows.to(feat.device)).index_select(3, cols.to(feat.device));
    }
}
