using Motive.Models.Blocks;
using Motive.Models.Runtime;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Tests.Runtime;

/// <summary>
/// float32 convolutions on CPU through <see cref="CpuKernels.Conv2d"/>, forward and both gradients, against the same
/// convolution in float64. The first six are shapes where libtorch 2.10's oneDNN kernels were measured wrong
/// without channel padding (see <see cref="CpuKernels"/>); the rest are the models' own layer shapes, the stems that
/// take images and latents (3 or 4 channels padded to 16) among them.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class CpuConvolutionTests
{
    [Theory]
    [InlineData(242, 96, 3, 1, 16)]   // RAFT-small GRU: input channels > 64, not a multiple of 16
    [InlineData(100, 32, 3, 1, 16)]
    [InlineData(320, 4, 3, 1, 16)]    // SD UNet conv_out: output channels not a multiple of 16
    [InlineData(128, 3, 3, 1, 32)]    // SD VAE decoder conv_out
    [InlineData(256, 2, 3, 1, 16)]    // RAFT flow head
    [InlineData(146, 96, 3, 1, 16)]   // toy RAFT-small GRU
    [InlineData(16, 3, 3, 1, 64)]     // toy VAE decoder conv_out
    [InlineData(64, 8, 3, 1, 16)]     // toy VAE encoder conv_out
    [InlineData(32, 4, 3, 1, 16)]     // toy UNet conv_out
    [InlineData(24, 24, 3, 2, 32)]    // RAFT-small encoder downsampler (17–24 % off unpadded)
    [InlineData(16, 16, 3, 2, 64)]    // a VAE downsampler
    [InlineData(2, 64, 7, 1, 16)]     // RAFT motion encoder on the flow
    [InlineData(3, 64, 7, 2, 64)]     // RAFT-large encoders' stem
    [InlineData(3, 32, 7, 2, 64)]     // RAFT-small encoders' stem
    [InlineData(4, 32, 3, 1, 16)]     // toy UNet conv_in
    [InlineData(3, 16, 3, 1, 32)]     // toy VAE encoder conv_in
    public void Float32Convolution_AgreesWithFloat64(long inChannels, long outChannels, long kernel, long stride, long size)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var x = randn(2, inChannels, size, size + size / 4, generator: gen).requires_grad_();
        var w = (randn(outChannels, inChannels, kernel, kernel, generator: gen) * 0.1).requires_grad_();
        var b = randn(outChannels, generator: gen).requires_grad_();
        long[] strides = [stride, stride], padding = [kernel / 2, kernel / 2];
        var y = CpuKernels.Conv2d(x, w, b, strides, padding);
        var gy = randn(y.shape, generator: gen);
        var g = autograd.grad([y], [x, w, b], [gy]);

        var x64 = x.detach().to(float64).requires_grad_();
        var w64 = w.detach().to(float64).requires_grad_();
        var b64 = b.detach().to(float64).requires_grad_();
        var y64 = F.conv2d(x64, w64, b64, strides, padding);
        var g64 = autograd.grad([y64], [x64, w64, b64], [gy.to(float64)]);

        static double RelativeError(Tensor a, Tensor e) => (a.to(float64) - e).norm().item<double>() / e.norm().item<double>();
        Assert.True(RelativeError(y, y64) < 1e-5, $"forward off by {RelativeError(y, y64):g3} ({CpuKernels.Status})");
        Assert.True(RelativeError(g[0], g64[0]) < 1e-5, $"input gradient off by {RelativeError(g[0], g64[0]):g3} ({CpuKernels.Status})");
        Assert.True(RelativeError(g[1], g64[1]) < 1e-5, $"weight gradient off by {RelativeError(g[1], g64[1]):g3} ({CpuKernels.Status})");
        Assert.True(RelativeError(g[2], g64[2]) < 1e-5, $"bias gradient off by {RelativeError(g[2], g64[2]):g3} ({CpuKernels.Status})");
    }

    [Fact]
    public void ConvModule_HasTorchNames_AndFollowsDtype()
    {
        using var scope = NewDisposeScope();
        using var conv = new Conv(6, 5, (1, 5), padding: (0, 2));
        Assert.Equal(["weight", "bias"], conv.state_dict().Keys);
        Assert.Equal([5L, 6, 1, 5], conv.state_dict()["weight"].shape);
        conv.to(float64);
        var y = conv.forward(randn(1, 6, 4, 9, dtype: float64));
        Assert.Equal(float64, y.dtype);
        Assert.Equal([1L, 5, 4, 9], y.shape);
    }
}
