using Motive.Models.Blocks;
using static TorchSharp.torch;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// Mutual self-attention (MasaCtrl, used by DragDiffusion's final denoising, attn_utils.MutualSelfAttentionControl):
/// the batch holds the source and the edit (twice with classifier-free guidance: [u_src, u_edit, c_src, c_edit]); in the
/// self-attention of transformer blocks ≥ <c>startLayer</c> (counted in execution order) and denoising passes ≥
/// <c>startStep</c> (counted from the first pass this hook sees), every item's queries attend to the keys and values
/// of its group's source item, so the edit keeps the source's appearance. One instance per sampling run.
/// </summary>
public sealed class MutualSelfAttention(int startStep, int startLayer, int layersPerPass, bool guided)
{
    private int call, pass;

    /// <summary>The hooks to pass to every UNet call of the run.</summary>
    public NetworkHooks Hooks => new() { SelfAttentionKeyValues = Replace };

    private (Tensor, Tensor) Replace(string path, Tensor keys, Tensor values)
    {
        int layer = call, step = pass;
        if (++call == layersPerPass) { call = 0; pass++; }
        if (layer < startLayer || step < startStep) return (keys, values);
        return (FromSource(keys), FromSource(values));
    }

    /// <summary>Each group's first item, repeated over the group (B, N, C).</summary>
    private Tensor FromSource(Tensor x)
    {
        long b = x.shape[0];
        int groups = guided ? 2 : 1;
        if (b % groups != 0) throw new ArgumentException($"mutual self-attention needs the batch in {groups} equal groups, got {b}");
        long size = b / groups;
        return cat(Enumerable.Range(0, groups).Select(g => x.narrow(0, g * size, 1).expand(size, -1, -1)).ToArray(), 0);
    }
}
