using Motive.Models.Blocks;
using Motive.Models.Unet;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// The UNet's noise prediction together with decoder features, as DragDiffusion's overridden forward returns them
/// (drag_pipeline.override_forward + forward_unet_features): feature index i of [mid_block, up_blocks.0, …,
/// up_blocks.3]'s outputs, each bilinearly resized (align_corners false) to the supervision grid and concatenated
/// along channels. Index 3 (up_blocks.2: 640 channels at 64×64 for SD 1.5 at 512²) is the reference's choice.
/// </summary>
public static class UnetFeatures
{
    /// <summary>The module whose output feature index <paramref name="index"/> is (0 = mid_block, 1–4 = up_blocks.0–3).</summary>
    public static string Module(int index) => index switch
    {
        0 => "mid_block",
        >= 1 and <= 4 => $"up_blocks.{index - 1}",
        _ => throw new ArgumentException($"UNet feature index must be 0 (mid block) to 4 (last up block), got {index}"),
    };

    /// <summary>ε̂ and the features (1, ΣC, gridH, gridW), on the graph of <paramref name="z"/> when grad is on.</summary>
    public static (Tensor Eps, Tensor Features) Forward(UNet2DConditionModel unet, Tensor z, long t, Tensor context,
        IReadOnlyList<int> indices, long gridHeight, long gridWidth, NetworkHooks? extra = null)
    {
        var wanted = indices.Select(Module).ToList();
        var captured = new Dictionary<string, Tensor>();
        var hooks = new NetworkHooks
        {
            ExplicitAttention = extra?.ExplicitAttention ?? false,
            CaptureProbs = extra?.CaptureProbs,
            OnAttentionProbs = extra?.OnAttentionProbs,
            SelfAttentionKeyValues = extra?.SelfAttentionKeyValues,
            OnFeature = (path, output) =>
            {
                if (wanted.Contains(path)) captured[path] = output;
                return extra?.OnFeature is { } f ? f(path, output) : output;
            },
        };
        var eps = unet.Forward(z, tensor(t, device: z.device), context, hooks);
        var maps = wanted.Select(m => F.interpolate(captured[m], size: [gridHeight, gridWidth], mode: InterpolationMode.Bilinear, align_corners: false)).ToArray();
        return (eps, maps.Length == 1 ? maps[0] : cat(maps, 1));
    }
}
