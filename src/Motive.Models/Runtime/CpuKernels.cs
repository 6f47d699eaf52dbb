using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Runtime;

/// <summary>
/// Chooses libtorch's CPU convolution kernels before any model runs, and works around where they are wrong.
/// <para>
/// libtorch 2.10 (oneDNN 3.7.1) computes some float32 convolutions wrongly on CPU when a channel count is not a
/// multiple of 16: measured on an AVX-512 AMD EPYC, RAFT-small's GRU (242→96) is 3–8 % off or NaN, a stride-2 3×3
/// 24→24 convolution on 32×40 is 17–24 % off, and the input gradient of SD's UNet conv_out (320→4), the VAE's (128→3)
/// and RAFT's flow head (256→2) is ~33 % off or NaN. Zero-padding both channel counts to a multiple of 16 gives
/// results equal to float64's within 5e-7 on every shape measured (tests/Runtime, and the parity tests of every
/// model), and oneDNN is 5–10× faster than libtorch's own im2col + GEMM fallback on the small-channel,
/// full-resolution layers that the toy models are made of. So every model convolution goes through
/// <see cref="Conv2d"/>, which pads on CPU. <c>MOTIVE_ONEDNN=0</c> turns oneDNN off instead (slower, no padding
/// needed). CUDA is not affected.
/// </para>
/// <para>
/// NNPACK is turned off: where the CPU lacks it, libtorch otherwise asks for it at every convolution that oneDNN does
/// not take, printing "Could not initialize NNPACK" each time.
/// </para>
/// </summary>
public static class CpuKernels
{
    /// <summary>What was done, for <c>--version</c> and bench reports.</summary>
    public static string Status { get; private set; } = "not configured";

    /// <summary>True when oneDNN convolutions are off (<c>MOTIVE_ONEDNN=0</c>).</summary>
    public static bool OneDnnDisabled { get; private set; }

#pragma warning disable CA2255 // a library module initializer is the point: no model code may run before this
    [ModuleInitializer]
    internal static void OnLoad()
    {
        Configure();
        NativeHeap.Configure();
    }
#pragma warning restore CA2255

    /// <summary>Applies the choice (idempotent). Called automatically when Motive.Models loads.</summary>
    public static void Configure()
    {
        if (Environment.GetEnvironmentVariable("MOTIVE_ONEDNN") is "0" or "off" or "false")
        {
            SetOneDnn(false, "oneDNN and NNPACK convolutions off (MOTIVE_ONEDNN=0)");
            return;
        }
        SetOneDnn(true, "oneDNN convolutions with channel padding (libtorch 2.10 CPU bug, see CpuKernels); NNPACK off");
    }

    /// <summary>
    /// conv2d (groups 1) that, on CPU with oneDNN on, zero-pads input and output channels to a multiple of 16 and drops
    /// the padded outputs: the shapes oneDNN gets wrong, made into shapes it gets right. Elsewhere plain conv2d.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, long[] stride, long[] padding)
    {
        if (OneDnnDisabled || x.device_type != DeviceType.CPU) return F.conv2d(x, weight, bias, stride, padding);
        long inChannels = weight.shape[1], outChannels = weight.shape[0];
        long padIn = RoundUp(inChannels) - inChannels;
        long padOut = RoundUp(outChannels) - outChannels;
        if (padIn == 0 && padOut == 0) return F.conv2d(x, weight, bias, stride, padding);
        using var scope = NewDisposeScope();
        var w = F.pad(weight, [0, 0, 0, 0, 0, padIn, 0, padOut]);
        var b = bias is null ? null : F.pad(bias, [0, padOut]);
        var input = padIn > 0 ? F.pad(x, [0, 0, 0, 0, 0, padIn]) : x;
        var y = F.conv2d(input, w, b, stride, padding);
        return (padOut > 0 ? y[.., ..(int)outChannels] : y).MoveToOuterDisposeScope();
    }

    private static long RoundUp(long channels) => (channels + 15) / 16 * 16;

    private static void SetOneDnn(bool enabled, string status)
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);    // loads libtorch the way TorchSharp does, so the name below resolves
            var context = GlobalContext();
            SetUserEnabledMkldnn(context, enabled);
            SetUserEnabledNnpack(context, false);
            OneDnnDisabled = !enabled;
            Status = status;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            // Another platform's libtorch (other C++ name mangling): leave libtorch's default and say so.
            Status = $"libtorch's default CPU kernels (could not switch oneDNN: {e.GetType().Name})";
        }
    }

    // at::globalContext() and at::Context::setUserEnabledMkldnn(bool): C++ exports of libtorch_cpu (Itanium ABI).
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
