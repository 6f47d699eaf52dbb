using System.Text.Json;
using Motive.Guidance.Energies.GuideAndRescale;
using Motive.Tests.Support;

namespace Motive.Tests.Guidance;

/// <summary>Guide-and-Rescale's noise rescaling against the reference on its 12 recorded cases (every branch; gar_rescale.safetensors).</summary>
public class NoiseRescaleParityTests
{
    [Fact]
    public void EveryCase_GivesTheReferenceScaleAndNoise()
    {
        using var p = new Parity("gar_rescale.safetensors");
        var cases = JsonDocument.Parse(p.Metadata["cases"]).RootElement.EnumerateArray().ToList();
        Assert.Equal(12, cases.Count);
        foreach (var c in cases)
        {
            string name = c.GetProperty("name").GetString()!;
            bool identity = c.GetProperty("type").GetString() == "identity_rescaler";
            var bounds = c.GetProperty("init_setup").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var other = c.GetProperty("has_other").GetBoolean() ? p[name + ".other"] : null;
            double scale = other is null || identity ? 1 : NoiseRescale.OtherScale(other, p[name + ".cfg"], bounds[0], bounds[1]);
            double expected = c.GetProperty("scales").TryGetProperty("other", out var s) ? s.GetDouble() : 1;
            Assert.True(Math.Abs(scale - expected) <= 1e-6 * expected, $"{name}: scale {scale} vs {expected}");
            using var pred = NoiseRescale.Combine(p[name + ".uncond"], p[name + ".cfg"], [], other, scale);
            Parity.Close(p[name + ".noise_pred"], pred, 1e-5, 1e-5, name);
        }
    }
}
