using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>
/// Per-evaluation numbers of a guided run: each energy's value and terms, ‖√(1−ᾱ)·g‖ after clipping and ‖ε̂‖ after
/// the update. Values stay on the device as 0-d tensors and are fetched together (<see cref="Series"/>), so the loop
/// never waits for the device to log.
/// </summary>
public sealed class GuidanceTrace : IDisposable
{
    private readonly Dictionary<string, List<Tensor>> series = [];
    private readonly List<(int Step, int Recursion, long Timestep)> evaluations = [];

    public IReadOnlyList<(int Step, int Recursion, long Timestep)> Evaluations => evaluations;

    internal void Begin(int step, int recursion, long timestep) => evaluations.Add((step, recursion, timestep));

    internal void Add(string name, Tensor scalar)
    {
        if (!series.TryGetValue(name, out var list)) series[name] = list = [];
        list.Add(scalar.detach().to(float32).reshape([]).DetachFromDisposeScope());
    }

    public IEnumerable<string> Names => series.Keys;

    /// <summary>One series as numbers (one device→host copy).</summary>
    public double[] Series(string name)
    {
        if (!series.TryGetValue(name, out var list) || list.Count == 0) return [];
        using var all = stack(list).cpu();
        return all.data<float>().Select(v => (double)v).ToArray();
    }

    /// <summary>The newest value of a series (one small copy; for progress lines).</summary>
    public double? Last(string name) => series.TryGetValue(name, out var list) && list.Count > 0 ? list[^1].item<float>() : null;

    public void Dispose()
    {
        foreach (var list in series.Values) foreach (var t in list) t.Dispose();
        series.Clear();
    }
}
