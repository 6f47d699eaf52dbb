using System.Globalization;
using Motive.IO;
using Motive.IO.Tensors;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// Per-step multipliers of the guidance weight, indexed by step counter (0 = noisiest), from a spec:
/// <c>ones</c> (the reference's default without its schedule file), <c>linear:A:B</c> (A at the first step to B at
/// the last), <c>until:F</c> (1 for the first fraction F of the steps, then 0), or a 1-D <c>.npy</c> file of at
/// least as many values as steps (the reference's <c>guidance_schedule.npy</c>).
/// </summary>
public static class GuidanceScheduleSpec
{
    public static double[] Parse(string spec, int steps)
    {
        if (spec == "ones") return Enumerable.Repeat(1.0, steps).ToArray();
        if (spec.StartsWith("linear:", StringComparison.Ordinal))
        {
            var v = Numbers(spec, spec[7..].Split(':'), 2);
            return Enumerable.Range(0, steps).Select(i => steps == 1 ? v[0] : v[0] + (v[1] - v[0]) * i / (steps - 1)).ToArray();
        }
        if (spec.StartsWith("until:", StringComparison.Ordinal))
        {
            var f = Numbers(spec, [spec[6..]], 1)[0];
            if (f is < 0 or > 1) throw new ArgumentException($"guidance schedule '{spec}': the fraction must be in [0, 1]");
            return Enumerable.Range(0, steps).Select(i => i < f * steps ? 1.0 : 0.0).ToArray();
        }
        if (spec.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            using var t = TensorFile.Read(spec);
            if (t.dim() != 1) throw new MotiveFormatException(spec, $"a guidance schedule must be 1-D, got [{string.Join(", ", t.shape)}]");
            if (t.shape[0] < steps) throw new MotiveFormatException(spec, $"has {t.shape[0]} values, the run has {steps} steps");
            using var d = t.to(TorchSharp.torch.float64);
            var values = d.data<double>().Take(steps).ToArray();
            if (values.Any(v => !double.IsFinite(v))) throw new MotiveFormatException(spec, "contains NaN or infinite values");
            return values;
        }
        throw new ArgumentException($"guidance schedule '{spec}': use ones, linear:A:B, until:F or a .npy file");
    }

    private static double[] Numbers(string spec, string[] parts, int n)
    {
        var v = new double[parts.Length];
        if (parts.Length != n || !parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i])).All(ok => ok))
            throw new ArgumentException($"guidance schedule '{spec}': expected {n} number(s)");
        return v;
    }
}
