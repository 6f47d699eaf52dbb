using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Raft;

/// <summary>
/// The reference's InputPadder ("sintel" mode): replicate-pads images to multiples of 8, split evenly
/// between the sides; <see cref="Unpad"/> crops a full-resolution flow back to the input size.
/// </summary>
public sealed class RaftPadding
{
    private readonly long[] _pad; // left, right, top, bottom

    public RaftPadding(long height, long width)
    {
        long ph = (((height / 8) + 1) * 8 - height) % 8, pw = (((width / 8) + 1) * 8 - width) % 8;
        _pad = [pw / 2, pw - pw / 2, ph / 2, ph - ph / 2];
        Height = height;
        Width = width;
    }

    public long Height { get; }
    public long Width { get; }
    public bool IsNeeded => _pad.Any(p => p != 0);

    public Tensor Pad(Tensor image) => IsNeeded ? F.pad(image, _pad, PaddingModes.Replicate) : image;

    public Tensor Unpad(Tensor x) => IsNeeded
        ? x[.., .., TensorIndex.Slice(_pad[2], _pad[2] + Height), TensorIndex.Slice(_pad[0], _pad[0] + Width)]
        : x;
}
