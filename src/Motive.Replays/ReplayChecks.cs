using static TorchSharp.torch;

namespace Motive.Replays;

/// <summary>
/// The checks of a replay as the fixtures README sets them: floats within 3e-4·max|recorded| per tensor or list,
/// everything else as each caller says.
/// </summary>
public sealed class ReplayChecks : List<ReplayCheck>
{
    public const double Relative = 3e-4;

    public void Add(string name, double maxDiff, double limit) => Add(new ReplayCheck(name, maxDiff, limit));

    /// <summary>A tensor against its recording (shapes must agree).</summary>
    public void Near(string name, Tensor expected, Tensor actual, double relative = Relative)
    {
        if (!expected.shape.SequenceEqual(actual.shape)) { Add($"{name} shape [{string.Join(",", actual.shape)}]", double.NaN, 0); return; }
        double scale = expected.abs().max().item<float>();
        Add(name, (actual.detach().cpu().to(float32) - expected.to(float32)).abs().max().item<float>(), relative * scale);
    }

    /// <summary>A list of numbers against a recorded vector, relative to the largest of <paramref name="scaleOf"/> (default: the vector).</summary>
    public void Series(string name, Tensor expected, IReadOnlyList<double> actual, Tensor? scaleOf = null, double relative = Relative)
    {
        var e = expected.to(float64).data<double>().ToArray();
        double scale = (scaleOf ?? expected).abs().max().item<float>();
        double worst = e.Length == actual.Count ? e.Zip(actual).DefaultIfEmpty().Max(p => Math.Abs(p.First - p.Second)) : double.NaN;
        Add(name, worst, relative * scale);
    }
}
