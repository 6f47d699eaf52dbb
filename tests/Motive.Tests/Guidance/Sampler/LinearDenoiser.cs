using Motive.Guidance.Sampler;
using Motive.Models.Blocks;
using static TorchSharp.torch;

namespace Motive.Tests.Guidance;

/// <summary>A denoiser with no model for the sampler's tests: ε_u = 0.5 z, ε_c = 2 z, the picture the first three channels; it records each call.</summary>
internal sealed class LinearDenoiser : IDenoiser
{
    public List<(Tensor Z, long T)> Calls { get; } = [];
    public ScalarType SchedulerDType => ScalarType.Float32;
    public Device Device => CPU;
    public string PredictionType => "epsilon";

    public DenoiserOutput Predict(Tensor z, long t, NetworkHooks? hooks)
    {
        Calls.Add((z.detach().clone().DetachFromDisposeScope(), t));
        return new DenoiserOutput(z * 0.5, z * 2);
    }

    public Tensor Decode(Tensor x0) => x0[.., ..3];
}
