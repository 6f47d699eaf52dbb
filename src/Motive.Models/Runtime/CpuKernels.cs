using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Motive.Models.Runtime;

/// <summary>
/// Chooses libtorch's CPU convolution kernels before any model runs.
/// <para>
/// libtorch 2.10 (oneDNN 3.7.1) computes some float32 convolutions wrongly on CPU: measured on an AVX-512
/// AMD EPYC, a 3×3 convolution whose input channels exceed 64 without being a multiple of 16 (RAFT-small's GRU,
/// 242→96) is 3–8 % off or NaN, and the input gradient of one whose output channels are not a multiple of 16
/// (SD's UNet conv_out 320→4, RAFT's flow head 256→2) is ~33 % off. float64, which oneDNN does not take, is
/// right. The guidance gradient runs through exactly those layers, so Motive turns oneDNN off for convolutions
/// (libtorch then uses its own im2col + GEMM kernels, which are correct). <c>MOTIVE_ONEDNN=1</c> keeps it on,
/// for benchmarking or for machines where it is known good. CUDA is not affected.
/// </para>
/// <para>
/// NNPACK is turned off too: where the CPU lacks it, libtorch otherwise asks for it at every convolution that oneDNN
/// does not take, printing "Could not initialize NNPACK" each time.
/// </para>
/// </summary>
public static class CpuKernels
{
    /// <summary>What was done, for <c>--version</c> and bench reports.</summary>
    public static string Status { get; private set; } = "not configured";

    /// <summary>True when oneDNN convolutions are off (the default).</summary>
    public static bool OneDnnDisabled { get; private set; }

#pragma warning disable CA2255 // a library module initializer is the point: no model code may run before this
    [ModuleInitializer]
    internal static void OnLoad() => Configure();
#pragma warning restore CA2255

    /// <summary>Applies the choice (idempotent). Called automatically when Motive.Models loads.</summary>
    public static void Configure()
    {
        if (Environment.GetEnvironmentVariable("MOTIVE_ONEDNN") is "1" or "on" or "true")
        {
            SetOneDnn(true, "oneDNN convolutions on (MOTIVE_ONEDNN)");
            return;
        }
        SetOneDnn(false, "oneDNN and NNPACK convolutions off (libtorch 2.10 CPU bug, see CpuKernels)");
    }

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
