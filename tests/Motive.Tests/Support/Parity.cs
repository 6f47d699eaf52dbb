using Motive.IO.Safetensors;
using TorchSharp;

namespace Motive.Tests.Support;

/// <summary>Reads parity fixture tensors and compares with the README's tolerances.</summary>
public sealed class Parity : IDisposable
{
    private readonly SafetensorsFile _file;

    public Parity(string fixture) => _file = SafetensorsFile.Open(Fixtures.Parity(fixture));

    public torch.Tensor this[string name] =>
        (_file.Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"fixture has no tensor '{name}'")).Load();

    public IReadOnlyDictionary<string, string> Metadata => _file.Metadata;
    public IEnumerable<string> Names => _file.Tensors.Select(t => t.Name);

    /// <summary>|a − e| ≤ atol + rtol·|e| everywhere; the message gives the worst element.</summary>
    public static void Close(torch.Tensor expected, torch.Tensor actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var e = expected.to(torch.float64);
        using var a = actual.detach().to(torch.CPU).to(torch.float64);
        using var diff = (a - e).abs();
        using var excess = diff - (e.abs() * rtol + atol);
        double worst = excess.max().item<double>();
        double maxAbs = diff.max().item<double>();
        Assert.True(worst <= 0, $"{what}: max |diff| {maxAbs:g4} exceeds atol {atol:g2} + rtol {rtol:g2}·|expected|");
    }

    public void Dispose() => _file.Dispose();
}
