using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Flow;

/// <summary>
/// The edit region of a target flow in latent cells: every cell that a moving pixel leaves or reaches
/// (p and round(p + F(p)), 8 px per cell), dilated by <c>margin</c> cells. True = free to change.
/// Motion Guidance's edit-mask file has the opposite polarity (True = keep the reference latent):
/// see <see cref="ToMotionGuidanceMask"/>.
/// </summary>
public static class EditMask
{
    public static Tensor Region(Tensor flow, int cellSize = 8, int margin = 1)
    {
        long h = flow.shape[1], w = flow.shape[2], ch = (h + cellSize - 1) / cellSize, cw = (w + cellSize - 1) / cellSize;
        using var f = flow.to(float32).cpu().contiguous();
        var u = f[0].data<float>().ToArray();
        var v = f[1].data<float>().ToArray();
        var cells = new bool[ch * cw];
        for (long y = 0; y < h; y++)
            for (long x = 0; x < w; x++)
            {
                long i = y * w + x;
                if (u[i] == 0 && v[i] == 0) continue;
                cells[y / cellSize * cw + x / cellSize] = true;
                long tx = (long)Math.Round(x + u[i]), ty = (long)Math.Round(y + v[i]);
                if (tx >= 0 && ty >= 0 && tx < w && ty < h) cells[ty / cellSize * cw + tx / cellSize] = true;
            }
        var m = tensor(cells).view(1, 1, ch, cw).to(float32);
        if (margin > 0) m = F.max_pool2d(m, 2 * margin + 1, stride: 1, padding: margin);
        return m[0, 0].gt(0);
    }

    /// <summary>(1,4,h,w) bool, True = copy the reference latent (keep), as Motion Guidance's *.mask.pth files.</summary>
    public static Tensor ToMotionGuidanceMask(Tensor region) => region.logical_not().view(1, 1, region.shape[0], region.shape[1]).expand(1, 4, -1, -1).contiguous();
}
