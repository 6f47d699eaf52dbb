using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// DragDiffusion's motion-supervision loss (drag_utils.drag_diffusion_update, lines 134-148): for each handle p not
/// yet within <see cref="Reached"/> cells of its target q, the features one cell along d = (q − p)/‖q − p‖ are pulled
/// toward the current, detached features at p: (2r+1)²·mean|F[p-window] − F[p-window + d]|. Content so moves about one
/// cell toward the target per optimisation step.
/// </summary>
public static class MotionSupervision
{
    /// <summary>The distance (cells) under which a handle counts as arrived: the stop test and the skip test.</summary>
    public const float Reached = 2.0f;

    /// <summary>True when every handle is within <see cref="Reached"/> of its target (strictly).</summary>
    public static bool AllReached(IReadOnlyList<GridPoint> handles, IReadOnlyList<GridPoint> targets) =>
        handles.Zip(targets).All(p => p.First.DistanceTo(p.Second) < Reached);

    /// <summary>The loss on features (1, C, H, W) with grad; null when every handle is already close (no term).</summary>
    public static Tensor? Loss(Tensor features, IReadOnlyList<GridPoint> handles, IReadOnlyList<GridPoint> targets, int radius)
    {
        long height = features.shape[2], width = features.shape[3];
        Tensor? loss = null;
        for (int i = 0; i < handles.Count; i++)
        {
            var (p, q) = (handles[i], targets[i]);
            float norm = p.DistanceTo(q);
            if (norm < Reached) continue;
            float dy = (float)(q.Row - p.Row) / norm, dx = (float)(q.Col - p.Col) / norm;
            var (r1, r2, c1, c2) = FeaturePatch.Window(p, radius, height, width);
            var source = features[.., .., r1..r2, c1..c2].detach();
            var moved = FeaturePatch.Shifted(features, r1, r2, c1, c2, dy, dx);
            var term = F.l1_loss(source, moved) * ((2 * radius + 1) * (2 * radius + 1));
            loss = loss is null ? term : loss + term;
        }
        return loss;
    }

    /// <summary>
    /// The mask regulariser: λ·Σ|(x_prev − x_prev₀)·(1 − m)|, the one-step DDIM prediction kept where the mask m (1 =
    /// editable, latent size) says the picture must not change.
    /// </summary>
    public static Tensor MaskTerm(Tensor xPrev, Tensor xPrev0, Tensor editable, double lambda) =>
        ((xPrev - xPrev0) * (1.0f - editable)).abs().sum() * (float)lambda;
}
