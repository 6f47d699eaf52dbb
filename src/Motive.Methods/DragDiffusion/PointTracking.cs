using static TorchSharp.torch;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// DragDiffusion's point tracking (drag_utils.point_tracking): each handle moves to the cell of its (2r+1)² window
/// whose features are nearest, in L1 over channels, to the original features at the original handle. The first
/// minimum in row-major order wins ties.
/// </summary>
public static class PointTracking
{
    /// <summary>One tracked handle and the search's margin (best and second-best distance).</summary>
    public readonly record struct Tracked(GridPoint Point, float Best, float Second);

    /// <summary>
    /// The new handles; <paramref name="initial"/> (1, C, H, W) are the features before optimisation, <paramref name="current"/> now.
    /// </summary>
    public static IReadOnlyList<Tracked> Track(Tensor initial, Tensor current, IReadOnlyList<GridPoint> handles, IReadOnlyList<GridPoint> handlesInitial, int radius)
    {
        using var _ = no_grad();
        long height = initial.shape[2], width = initial.shape[3];
        var result = new List<Tracked>(handles.Count);
        for (int i = 0; i < handles.Count; i++)
        {
            using var scope = NewDisposeScope();
            var p0 = handlesInitial[i];
            var f0 = initial[.., .., (long)(int)p0.Row, (long)(int)p0.Col];                 // (1, C)
            var (r1, r2, c1, c2) = FeaturePatch.Window(handles[i], radius, height, width);
            var window = current[.., .., r1..r2, c1..c2];
            var dist = (f0.unsqueeze(-1).unsqueeze(-1) - window).abs().sum(dim: 1)[0].cpu();   // (h, w)
            var flat = dist.flatten().data<float>().ToArray();
            int best = 0;
            for (int k = 1; k < flat.Length; k++) if (flat[k] < flat[best]) best = k;
            float second = flat.Where((_, k) => k != best).DefaultIfEmpty(float.PositiveInfinity).Min();
            int cols = c2 - c1;
            result.Add(new Tracked(new GridPoint(r1 + best / cols, c1 + best % cols), flat[best], second));
        }
        return result;
    }
}
