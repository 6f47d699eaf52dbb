using Motive.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Tests.Runtime;

/// <summary>
/// float32 convolutions on CPU, forward and both gradients, against the same convolution in float64. These are the
/// shapes where libtorch 2.10's oneDNN kernels were measured wrong on this project's CI machines (see
/// <see cref="CpuKernels"/>); they are all in the guidance gradient (UNet conv_out, VAE conv_out, RAFT's GRU and
/// flow head).
/// </summary>
public class CpuConvolutionTests
{
    [Theory]
    [InlineData(242, 96)]   // RAFT-small GRU: input channels > 64, not a multiple of 16
    [InlineData(100, 32)]
    [InlineData(320, 4)]    // SD UNet conv_out: output channels not a multiple of 16
    [InlineData(128, 3)]    // SD VAE decoder conv_out
    [InlineData(256, 2)]    // RAFT flow head
    public void Float32Convolution_AgreesWithFloat64(long inChannels, long outChannels)
    {
        Assert.True(CpuKernels.OneDnnDisabled || Environment.GetEnvironmentVariable("MOTIVE_ONEDNN") is not null, CpuKernels.Status);
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var x = randn(1, inChannels, 16, 20, generator: gen).requires_grad_();
        var w = (randn(outChannels, inChannels, 3, 3, generator: gen) * 0.1).requires_grad_();
        var y = F.conv2d(x, w, padding: [1, 1]);
        var gy = randn(y.shape, generator: gen);
        var g = autograd.grad([y], [x, w], [gy]);

        var x64 = x.detach().to(float64).requires_grad_();
        var w64 = w.detach().to(float64).requires_grad_();
        var y64 = F.conv2d(x64, w64, padding: [1, 1]);
        var g64 = autograd.grad([y64], [x64, w64], [gy.to(float64)]);

        static double RelativeError(Tensor a, Tensor e) => (a.to(float64) - e).norm().item<double>() / e.norm().item<double>();
        Assert.True(RelativeError(y, y64) < 1e-5, $"forward off by {RelativeError(y, y64):g3}");
        Assert.True(RelativeError(g[0], g64[0]) < 1e-5, $"input gradient off by {RelativeError(g[0], g64[0]):g3}");
        Assert.True(RelativeError(g[1], g64[1]) < 1e-5, $"weight gradient off by {RelativeError(g[1], g64[1]):g3}");
    }
}
