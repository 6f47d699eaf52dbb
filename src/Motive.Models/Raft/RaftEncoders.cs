using Motive.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Raft;

/// <summary>RAFT's normalisations: instance (feature encoder), batch (context encoder), none (small context encoder).</summary>
public enum RaftNorm { Instance, Batch, None }

internal static class RaftNorms
{
    public static nn.Module<Tensor, Tensor> Make(RaftNorm norm, long channels) => norm switch
    {
        RaftNorm.Instance => nn.InstanceNorm2d(channels, affine: false, track_running_stats: false), // as PyTorch's default: no weights
        RaftNorm.Batch => nn.BatchNorm2d(channels),
        _ => nn.Identity(),
    };
}

/// <summary>Two 3×3 convolutions with a residual connection (1×1 strided projection when downsampling).</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv conv1, conv2;
    private readonly nn.Module<Tensor, Tensor> norm1, norm2;
    private readonly nn.Module<Tensor, Tensor>? norm3;
    private readonly Sequential? downsample;

    public ResidualBlock(long inPlanes, long planes, RaftNorm norm, long stride) : base(nameof(ResidualBlock))
    {
        conv1 = new Conv(inPlanes, planes, 3, stride: stride, padding: 1);
        conv2 = new Conv(planes, planes, 3, padding: 1);
        norm1 = RaftNorms.Make(norm, planes);
        norm2 = RaftNorms.Make(norm, planes);
        if (stride != 1)
        {
            // The reference puts the same norm3 module inside downsample, so checkpoints hold it under both names.
            // TorchSharp lists a shared module once, so we keep two copies loaded with the same values; only the
            // downsample one runs, as in the reference.
            norm3 = RaftNorms.Make(norm, planes);
            downsample = nn.Sequential(new Conv(inPlanes, planes, 1, stride: stride), RaftNorms.Make(norm, planes));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = F.relu(norm1.forward(conv1.forward(x)), inplace: true);
        y = F.relu(norm2.forward(conv2.forward(y)), inplace: true);
        return F.relu((downsample?.forward(x) ?? x) + y, inplace: true);
    }
}

/// <summary>1×1 → 3×3 (strided) → 1×1 bottleneck with a residual connection (RAFT-small).</summary>
public sealed class BottleneckBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv conv1, conv2, conv3;
    private readonly nn.Module<Tensor, Tensor> norm1, norm2, norm3;
    private readonly nn.Module<Tensor, Tensor>? norm4;
    private readonly Sequential? downsample;

    public BottleneckBlock(long inPlanes, long planes, RaftNorm norm, long stride) : base(nameof(BottleneckBlock))
    {
        conv1 = new Conv(inPlanes, planes / 4, 1);
        conv2 = new Conv(planes / 4, planes / 4, 3, stride: stride, padding: 1);
        conv3 = new Conv(planes / 4, planes, 1);
        norm1 = RaftNorms.Make(norm, planes / 4);
        norm2 = RaftNorms.Make(norm, planes / 4);
        norm3 = RaftNorms.Make(norm, planes);
        if (stride != 1)
        {
            norm4 = RaftNorms.Make(norm, planes); // shared with downsample in the reference: see ResidualBlock
            downsample = nn.Sequential(new Conv(inPlanes, planes, 1, stride: stride), RaftNorms.Make(norm, planes));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = F.relu(norm1.forward(conv1.forward(x)), inplace: true);
        y = F.relu(norm2.forward(conv2.forward(y)), inplace: true);
        y = F.relu(norm3.forward(conv3.forward(y)), inplace: true);
        return F.relu((downsample?.forward(x) ?? x) + y, inplace: true);
    }
}

/// <summary>
/// RAFT's feature/context encoder at 1/8 resolution: 7×7 stride-2 conv, three stages of two blocks
/// (strides 1, 2, 2), 1×1 projection. Large: residual blocks 64→96→128; small: bottlenecks 32→64→96.
/// </summary>
public sealed class RaftEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv conv1, conv2;
    private readonly nn.Module<Tensor, Tensor> norm1;
    private readonly Sequential layer1, layer2, layer3;

    public RaftEncoder(long outputDim, RaftNorm norm, bool small) : base(nameof(RaftEncoder))
    {
        long[] dims = small ? [32, 32, 64, 96] : [64, 64, 96, 128];
        conv1 = new Conv(3, dims[0], 7, stride: 2, padding: 3);
        norm1 = RaftNorms.Make(norm, dims[0]);
        Sequential Layer(long inDim, long dim, long stride) => small
            ? nn.Sequential(new BottleneckBlock(inDim, dim, norm, stride), new BottleneckBlock(dim, dim, norm, 1))
            : nn.Sequential(new ResidualBlock(inDim, dim, norm, stride), new ResidualBlock(dim, dim, norm, 1));
        layer1 = Layer(dims[0], dims[1], 1);
        layer2 = Layer(dims[1], dims[2], 2);
        layer3 = Layer(dims[2], dims[3], 2);
        conv2 = new Conv(dims[3], outputDim, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = F.relu(norm1.forward(conv1.forward(x)), inplace: true);
        return conv2.forward(layer3.forward(layer2.forward(layer1.forward(x))));
    }
}
