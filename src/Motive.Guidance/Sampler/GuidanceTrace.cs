using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>
/// Per-evaluation numbers of a guided run: each energy's value and terms, ‖√(1−ᾱ)·g‖ after clipping and ‖ε̂‖ after
/// the update. Within a step the values stay on the device as 0-d tensors, so an evaluation never waits for the
/// device to log; <see cref="EndStep"/> fetches them together (one copy per series) and keeps plain numbers, so a
/// 5,000-evaluation run holds no tensors for its log.
/// </summary>
public sealed class GuidanceTrace : IDisposable
{
    private readonly Dictionary<string, List<Tensor>> pending = [];
    private readonly Dictionary<string, List<double>> values = [];
    private readonly List<(int Step, int Recursion, long Timestep)> evaluations = [];

    public IReadOnlyList<(int Step, int Recursion, long Timestep)> Evaluations => evaluations;

    internal void Begin(int step, int recursion, long timestep) => evaluations.Add((step, recursion, timestep));

    internal void Add(string name, Tensor scalar)
    {
        if (!pending.TryGetValue(name, out var list))
        {
            pending[name] = list = [];
            values.TryAdd(name, []);
        }
        list.Add(scalar.detach().to(float32).reshape([]).DetachFromDisposeScope());
    }

    /// <summary>Moves the step's values to the host.</summary>
    internal void EndStep()
    {
        foreach (var (name, list) in pending)
        {
            if (list.Count == 0) continue;
            using (var stacked = stack(list))
            using (var host = stacked.cpu())
                values[name].AddRange(host.data<float>().Select(v => (double)v));
            foreach (var t in list) t.Dispose();
            list.Clear();
        }
    }

    public IEnumerable<string> Names => values.Keys;

    /// <summary>One series as numbers.</summary>
    public double[] Series(string name)
    {
        EndStep();
        return values.TryGetValue(name, out var list) ? list.ToArray() : [];
    }

    public void Dispose()
    {
        foreach (var list in pending.Values) foreach (var t in list) t.Dispose();
        pending.Clear();
    }
}
