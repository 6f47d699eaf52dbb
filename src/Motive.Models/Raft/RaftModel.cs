using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Raft;

/// <summary>RAFT's fixed configurations (princeton RAFT: raft-things.pth / raft-small.pth).</summary>
public sealed record RaftConfig(bool Small, long HiddenDim, long ContextDim, int CorrLevels, int CorrRadius)
{
    public static RaftConfig Large => new(false, 128, 128, 4, 4);
    public static RaftConfig SmallModel => new(true, 96, 64, 4, 3);
}

/// <summary>
/// RAFT (Teed &amp; Deng 2020) in the princeton layout: fnet / cnet / update_block. Images (B,3,H,W) in 0..255,
/// H and W multiples of 8 (see <see cref="RaftPadding"/>); returns the flow at 1/8 and at full resolution,
/// differentiable with respect to both images (and, for training's sequence loss, every iteration's upsampled flow
/// into <c>everyIteration</c>). The context encoder's BatchNorm uses batch statistics in
/// train mode (as Motion Guidance runs RAFT) and running statistics in eval mode.
/// </summary>
public sealed class RaftModel : nn.Module
{
    private readonly RaftEncoder fnet, cnet;
    private readonly UpdateBlock update_block;

    public RaftModel(RaftConfig config) : base(nameof(RaftModel))
    {
        Config = config;
        fnet = new RaftEncoder(config.Small ? 128 : 256, RaftNorm.Instance, config.Small);
        cnet = new RaftEncoder(config.HiddenDim + config.ContextDim, config.Small ? RaftNorm.None : RaftNorm.Batch, config.Small);
        update_block = new UpdateBlock(config);
        RegisterComponents();
    }

    public RaftConfig Config { get; }

    /// <summary>The parts, as the reference names them (fnet, cnet, update_block), for per-phase benchmarks.</summary>
    public RaftEncoder FeatureEncoder => fnet;
    public RaftEncoder ContextEncoder => cnet;
    public UpdateBlock Update => update_block;

    /// <summary>
    /// How much the images are enlarged (bilinearly) before RAFT sees them; the flow comes back at the images' own size
    /// and in their pixels. 1 for published checkpoints. Small scenes need more: RAFT-small upsamples its 1/8-resolution
    /// flow bilinearly, which blurs a moving object's outline over 8 px of the input (see <see cref="RaftInputScale"/>).
    /// A checkpoint carries it in its metadata (<see cref="RaftLoader"/>).
    /// </summary>
    public int InputScale
    {
        get => inputScale;
        set => inputScale = RaftInputScale.Check(value, "the RAFT input scale");
    }
    private int inputScale = 1;

    /// <summary>The smallest image side the correlation pyramid allows (128 px for 4 levels at input scale 1).</summary>
    public long MinimumSide => PyramidSide / InputScale;

    private long PyramidSide => 8L * (2 << (Config.CorrLevels - 1));

    /// <summary>
    /// The flow from <paramref name="image1"/> to <paramref name="image2"/>. With an <see cref="InputScale"/> above 1,
    /// <c>FlowUp</c> and <c>everyIteration</c> are at the images' size; <c>FlowLow</c> and <paramref name="flowInit"/>
    /// lie on the 1/8 grid of the enlarged images, in the images' own pixels.
    /// </summary>
    public (Tensor FlowLow, Tensor FlowUp) Forward(Tensor image1, Tensor image2, int iters = 12, Tensor? flowInit = null, List<Tensor>? everyIteration = null)
    {
        int s = InputScale;
        if (s == 1) return ForwardAtInputSize(image1, image2, iters, flowInit, everyIteration);
        if (image1.shape[2] % 8 != 0 || image1.shape[3] % 8 != 0)
            throw new ArgumentException($"RAFT needs sides divisible by 8, got {image1.shape[3]}x{image1.shape[2]} (pad with RaftPadding)");
        var perIteration = everyIteration is null ? null : new List<Tensor>();
        var (low, up) = ForwardAtInputSize(RaftInputScale.Enlarge(image1, s), RaftInputScale.Enlarge(image2, s), iters, flowInit is null ? null : flowInit * s, perIteration);
        if (perIteration is not null) everyIteration!.AddRange(perIteration.Select(f => RaftInputScale.Shrink(f, s)));
        return (low / s, RaftInputScale.Shrink(up, s));
    }

    private (Tensor FlowLow, Tensor FlowUp) ForwardAtInputSize(Tensor image1, Tensor image2, int iters, Tensor? flowInit, List<Tensor>? everyIteration)
    {
        long b = image1.shape[0], h = image1.shape[2], w = image1.shape[3];
        if (h % 8 != 0 || w % 8 != 0) throw new ArgumentException($"RAFT needs sides divisible by 8, got {w}x{h} (pad with RaftPadding)");
        if (h < PyramidSide || w < PyramidSide)
            throw new ArgumentException($"{w / InputScale}x{h / InputScale} is too small for RAFT's {Config.CorrLevels}-level correlation pyramid (needs sides of at least {MinimumSide} px)");
        var i1 = image1 / 255.0 * 2 - 1;
        var i2 = image2 / 255.0 * 2 - 1;
        var fmaps = fnet.forward(cat([i1, i2], 0)).split(b, 0);
        // The reference correlates in float32 even under autocast; float64 stays float64 (exact checks).
        var corrType = fmaps[0].dtype == float64 ? float64 : float32;
        var pyramid = CorrBlock.Pyramid(fmaps[0].to(corrType), fmaps[1].to(corrType), Config.CorrLevels);
        var context = cnet.forward(i1).split([Config.HiddenDim, Config.ContextDim], 1);
        var net = tanh(context[0]);
        var inp = F.relu(context[1]);

        var coords0 = CoordsGrid(b, h / 8, w / 8, image1.device).to(corrType);
        var coords1 = flowInit is null ? coords0.clone() : coords0 + flowInit;
        Tensor flowUp = null!;
        for (int it = 0; it < iters; it++)
        {
            coords1 = coords1.detach();                 // the reference stops gradients through the iterate
            var corr = CorrBlock.Lookup(pyramid, coords1, Config.CorrRadius);
            var flow = coords1 - coords0;
            bool upsample = it == iters - 1 || everyIteration is not null;
            (net, var mask, var delta) = update_block.Forward(net, inp, corr, flow, withMask: upsample);   // a mask no estimate uses is not made
            coords1 = coords1 + delta;
            if (upsample)
                flowUp = mask is null ? UpFlow8(coords1 - coords0) : ConvexUpsample(coords1 - coords0, mask);
            everyIteration?.Add(flowUp);
        }
        return (coords1 - coords0, flowUp);
    }

    /// <summary>(B,2,H,W) pixel coordinates, channel 0 = x.</summary>
    public static Tensor CoordsGrid(long b, long h, long w, Device device)
    {
        var g = meshgrid([arange(h, dtype: float32, device: device), arange(w, dtype: float32, device: device)], indexing: "ij");
        return stack([g[1], g[0]], 0).unsqueeze(0).expand(b, 2, h, w).contiguous();
    }

    /// <summary>Convex combination of the 3×3 coarse neighbours, weights from the mask (B, 9·64, H, W).</summary>
    public static Tensor ConvexUpsample(Tensor flow, Tensor mask)
    {
        long n = flow.shape[0], h = flow.shape[2], w = flow.shape[3];
        var m = mask.view(n, 1, 9, 8, 8, h, w).softmax(2);
        var up = F.unfold(flow * 8, 3, padding: 1).view(n, 2, 9, 1, 1, h, w);
        var o = (m * up).sum(dim: 2);
        return o.permute(0, 1, 4, 2, 5, 3).reshape(n, 2, 8 * h, 8 * w);
    }

    /// <summary>RAFT-small's upsampling: 8 × bilinear (align_corners=True).</summary>
    public static Tensor UpFlow8(Tensor flow)
    {
        long h = flow.shape[2], w = flow.shape[3];
        return F.interpolate(flow, size: [8 * h, 8 * w], mode: InterpolationMode.Bilinear, align_corners: true) * 8;
    }
}
