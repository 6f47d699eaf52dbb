using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>Where the sampler's Gaussian noise comes from, in the order it is drawn.</summary>
public interface INoiseSource
{
    Tensor Next(long[] shape, ScalarType dtype, Device device);
}

/// <summary>Seeded noise drawn on the CPU and moved: same seed → same noise on every device.</summary>
public sealed class SeededNoise(long seed) : INoiseSource, IDisposable
{
    private readonly Generator generator = new((ulong)seed);

    public Tensor Next(long[] shape, ScalarType dtype, Device device) => randn(shape, dtype: float32, generator: generator).to(dtype, device);

    public void Dispose() => generator.Dispose();
}

/// <summary>Replays recorded noise (e.g. a reference run's), one slice of <paramref name="draws"/> per draw.</summary>
public sealed class ReplayedNoise(Tensor draws) : INoiseSource
{
    private int next;

    public Tensor Next(long[] shape, ScalarType dtype, Device device)
    {
        if (next >= draws.shape[0]) throw new InvalidOperationException($"the recorded noise has only {draws.shape[0]} draws");
        var n = draws[next++];
        if (!n.shape.SequenceEqual(shape)) throw new ArgumentException($"recorded noise has shape [{string.Join(",", n.shape)}], the sampler asks for [{string.Join(",", shape)}]");
        return n.to(dtype, device);
    }

    public int Used => next;
}
