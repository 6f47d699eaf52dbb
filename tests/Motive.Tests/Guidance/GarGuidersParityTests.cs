using System.Text.Json;
using Motive.Guidance.Energies.GuideAndRescale;
using Motive.Methods.GuideAndRescale;
using Motive.Models.Loading;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Guidance;

/// <summary>
/// One guided Guide-and-Rescale step against the reference's GuidanceEditing on tiny-sd (gar_guiders.safetensors, step
/// 10, t = 780): every guider alone (energy, per-layer attention terms, ∂E/∂z, the rescaled ε̂) and the four shipped
/// configs unchanged (taken from Motive's presets, so the presets are checked too).
/// </summary>
public class GarGuidersParityTests
{
    /// <summary>max|a − e| ≤ 3e-4·max|e| (the fixture README's tolerance).</summary>
    private static void Near(torch.Tensor expected, torch.Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double diff = (actual.detach().cpu() - expected).abs().max().item<float>();
        Assert.True(diff <= 3e-4 * scale, $"{what}: max |diff| {diff:g4} > 3e-4·{scale:g4}");
    }

    private static GarConfig FromCase(JsonElement c)
    {
        var guiders = c.GetProperty("guiders").EnumerateArray().Select(g =>
        {
            string name = g.GetProperty("name").GetString()!;
            var scales = Enumerable.Repeat(g.GetProperty("g_scale").GetDouble(), 50).ToArray();
            var kw = g.TryGetProperty("kwargs", out var k) ? k : default;
            if (name == GarGuider.Appearance)
            {
                int first = kw.GetProperty("total_first_steps").GetInt32();
                return new GarGuider(name, scales, SelfAttentionScales: ScaleSchedules.FirstSteps(kw.GetProperty("self_attn_gs").GetDouble(), first),
                    AppearanceScales: ScaleSchedules.FirstSteps(kw.GetProperty("app_gs").GetDouble(), first), NewFeatures: kw.GetProperty("new_features").GetBoolean());
            }
            return new GarGuider(name, scales, Block: kw.ValueKind == JsonValueKind.Object && kw.TryGetProperty("block", out var b) ? b.GetString()! : "up");
        }).ToList();
        var layers = c.GetProperty("self_attn_layers_num").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        var rescale = c.GetProperty("noise_rescaling_setup");
        var bounds = rescale.GetProperty("init_setup").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        return new GarConfig(guiders, layers, rescale.GetProperty("type").GetString()!, bounds[0], bounds[1]);
    }

    [Fact]
    public void EveryGuiderAndEveryShippedConfig_MatchTheReferenceStep()
    {
        using var p = new Parity("gar_guiders.safetensors");
        using var model = StableDiffusionModel.Load(Fixtures.Parity("tiny-sd"));
        var cases = JsonDocument.Parse(p.Metadata["cases"]).RootElement;
        int step = (int)p["diff_iter"][0].item<long>();
        long t = p["timestep"][0].item<long>();
        int checkedCases = 0;
        foreach (var c in cases.EnumerateObject())
        {
            var config = c.Name.StartsWith("config.", StringComparison.Ordinal) ? GarPresets.Get(c.Name["config.".Length..]) : FromCase(c.Value);
            using var r = GarStep.Run(model.Unet, p["latent"], p["inv_latent"], t, p["uncond_emb"], p["src_emb"], p["trg_emb"], config, step);
            string n = c.Name;
            Near(p[n + ".noise.uncond"], r.Uncond, n + " ε_u");
            Near(p[n + ".noise.cfg"], r.Cfg, n + " cfg term");
            Near(p[n + ".noise_pred"], r.NoisePred, n + " ε̂");
            double scale = p[n + ".other_scale"].item<float>();
            Assert.True(Math.Abs(r.OtherScale - scale) <= 3e-4 * scale, $"{n}: rescale factor {r.OtherScale} vs {scale}");
            if (p.Names.Contains(n + ".grad")) Near(p[n + ".grad"], r.Other!, n + " ∂E/∂z");
            foreach (var e in p.Names.Where(x => x.StartsWith(n + ".energy.", StringComparison.Ordinal)))
            {
                double want = p[e].item<float>(), got = r.Energies[e[(n + ".energy.").Length..]];
                Assert.True(Math.Abs(got - want) <= 3e-4 * Math.Abs(want), $"{e}: {got} vs {want}");
            }
            if (p.Names.Contains(n + ".self_attn_layer_mse"))
            {
                var want = p[n + ".self_attn_layer_mse"];
                var got = r.LayerTerms.Values.Single();
                Assert.Equal(want.shape[0], got.Count);
                Near(want, torch.tensor(got.Select(x => (float)x).ToArray()), n + " per-layer attention terms");
            }
            checkedCases++;
        }
        Assert.Equal(12, checkedCases);
    }
}
