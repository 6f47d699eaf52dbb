using Motive.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Blocks;

/// <summary>
/// A 2-D convolution with <c>weight</c> and <c>bias</c> named as torch's Conv2d (so checkpoints load unchanged) that
/// runs through <see cref="CpuKernels.Conv2d"/>: on CPU it pads channel counts where libtorch's oneDNN kernels are
/// wrong, which lets Motive keep those kernels (5–10× faster than libtorch's fallback on small-channel layers).
/// Initialised as torch's Conv2d (kaiming-uniform weight, uniform bias).
/// </summary>
public sealed class Conv : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long[] stride, padding;

    public Conv(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool bias = true)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding), bias) { }

    public Conv(long inChannels, long outChannels, (long H, long W) kernel, (long H, long W)? stride = null, (long H, long W)? padding = null, bool bias = true)
        : base(nameof(Conv))
    {
        var (s, p) = (stride ?? (1, 1), padding ?? (0, 0));
        using (var init = nn.Conv2d(inChannels, outChannels, kernel, s, p, bias: bias))
        {
            weight = new Parameter(init.weight!.detach().clone());
            this.bias = bias ? new Parameter(init.bias!.detach().clone()) : null;
        }
        this.stride = [s.H, s.W];
        this.padding = [p.H, p.W];
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = CpuKernels.Conv2d(x, weight, bias, stride, padding);
        FlopCount.Conv(y, weight);
        return y;
    }

    /// <summary>
    /// <paramref name="first"/> and <paramref name="second"/> applied to the same input as one convolution with their
    /// weights stacked: the same sums, but one pass over the input instead of two (RAFT's GRU gates z and r read the
    /// same hidden state). Both must have the same kernel, stride, padding and input channels.
    /// </summary>
    public static (Tensor First, Tensor Second) Stacked(Tensor x, Conv first, Conv second)
    {
        if (!first.stride.SequenceEqual(second.stride) || !first.padding.SequenceEqual(second.padding)
            || !first.weight.shape.Skip(1).SequenceEqual(second.weight.shape.Skip(1)) || (first.bias is null) != (second.bias is null))
            throw new ArgumentException("stacked convolutions need the same kernel, stride, padding, input channels and bias");
        long split = first.weight.shape[0];
        using var scope = NewDisposeScope();
        var w = cat([first.weight, second.weight], 0);
        var b = first.bias is null ? null : cat([first.bias, second.bias!], 0);
        var y = CpuKernels.Conv2d(x, w, b, first.stride, first.padding);
        FlopCount.Conv(y, w);
        return (y[.., ..(int)split].MoveToOuterDisposeScope(), y[.., (int)split..].MoveToOuterDisposeScope());
    }
}
