using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.Editing;

/// <summary>
/// The size rule for edits: Stable Diffusion's UNet halves the 8×-smaller latent three times, so both image sides
/// must be multiples of 64. A side that is not is scaled to the nearest multiple of 64 (at least 64), the aspect
/// kept as far as that allows; a flow drawn on the input is resized with it and its vectors scaled by the same
/// factors, so it still says where each pixel goes.
/// </summary>
public sealed record InputSizing(int Width, int Height, int TargetWidth, int TargetHeight)
{
    public static InputSizing For(long width, long height) =>
        new((int)width, (int)height, Nearest64(width), Nearest64(height));

    public bool Resizes => Width != TargetWidth || Height != TargetHeight;

    public override string ToString() => Resizes ? $"{Width}x{Height} → {TargetWidth}x{TargetHeight}" : $"{Width}x{Height}";

    /// <summary>An image (1,3,H,W) at the input size → the target size (bilinear with antialiasing).</summary>
    public Tensor Image(Tensor image) => Resizes
        ? F.interpolate(image, size: [TargetHeight, TargetWidth], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true)
        : image.alias();

    /// <summary>A flow (2,H,W) or (1,2,H,W) in input pixels → target pixels: resampled, x scaled by W'/W, y by H'/H.</summary>
    public Tensor Flow(Tensor flow)
    {
        if (!Resizes) return flow.alias();
        using var scope = NewDisposeScope();
        var batched = flow.dim() == 3 ? flow.unsqueeze(0) : flow;
        var resized = F.interpolate(batched, size: [TargetHeight, TargetWidth], mode: InterpolationMode.Bilinear, align_corners: false);
        var factors = tensor(new[] { (float)TargetWidth / Width, (float)TargetHeight / Height }, dtype: flow.dtype).view(1, 2, 1, 1);
        var scaled = resized * factors;
        return (flow.dim() == 3 ? scaled[0] : scaled).contiguous().MoveToOuterDisposeScope();
    }

    private static int Nearest64(long side) => (int)Math.Max(64, Math.Round(side / 64.0, MidpointRounding.AwayFromZero) * 64);
}
