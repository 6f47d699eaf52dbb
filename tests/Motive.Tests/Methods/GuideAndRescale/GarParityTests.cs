using System.Text.Json;
using Motive.IO.Safetensors;
using Motive.Methods.GuideAndRescale;
using Motive.Replays;
using Motive.Tests.Support;

namespace Motive.Tests.Methods.GuideAndRescale;

/// <summary>
/// Guide-and-Rescale against the reference's recordings on tiny-sd (shared/fixtures/parity, gar_*), through the replay
/// that `motive selftest gar` runs: the noise rescaling in every branch, one guided step for every guider alone and for
/// the four shipped configs (energies, per-layer attention terms, ∂E/∂z, rescale factor, ε̂), and a whole shortened
/// GuidanceEditing run (inversion latents, per-step energies and norms, ε̂ and latent per step, final latent and image).
/// </summary>
[Trait(Tier.Category, Tier.Parity)]
public class GarParityTests
{
    private static ReplayReport Replay(string fixture) => GarReplay.Check(Fixtures.Parity(fixture));

    [Fact]
    public void NoiseRescaling_MatchesEveryRecordedBranch()
    {
        var report = Replay("gar_rescale.safetensors");
        Assert.True(report.Ok, report.Summary);
        Assert.Equal(12 * 2, report.Checks.Count);     // scale and ε̂ of each of the 12 cases
    }

    [Fact]
    public void OneGuidedStep_MatchesEveryGuiderAndEveryShippedConfig()
    {
        var report = Replay("gar_guiders.safetensors");
        Assert.True(report.Ok, report.Summary);
        Assert.Equal(12, report.Checks.Count(c => c.Name.EndsWith(".noise_pred", StringComparison.Ordinal)));
        Assert.Equal(5, report.Checks.Count(c => c.Name.EndsWith(".self_attn_layer_mse", StringComparison.Ordinal)));   // every case that records them
    }

    [Fact]
    public void WholeEdit_MatchesGuidanceEditing_StepByStep()
    {
        var report = Replay("gar_edit.safetensors");
        Assert.True(report.Ok, report.Summary);
        Assert.Contains(report.Checks, c => c.Name == "inv_latents[10]");
        Assert.Contains(report.Checks, c => c.Name == "latents[9]");
        Assert.Contains(report.Checks, c => c.Name == "final_image_uint8");
        Assert.Contains(report.Checks, c => c.Name == "energy.self_attn_map_l2_appearance");
    }

    [Fact]
    public void Presets_AreTheShippedConfigsTheRecordingRan()
    {
        // The replay reads each config from the recording's metadata; the presets must be the same configs.
        using var p = new Parity("gar_guiders.safetensors");
        int step = (int)p["diff_iter"][0].item<long>();
        var cases = JsonDocument.Parse(p.Metadata["cases"]).RootElement;
        foreach (var name in GarPresets.Names)
        {
            var recorded = GarReferenceConfig.Read(cases.GetProperty("config." + name));
            var preset = GarPresets.Get(name);
            Assert.Equal(recorded.Guiders.Select(g => g.Name), preset.Guiders.Select(g => g.Name));
            Assert.Equal(recorded.SelfAttentionLayers, preset.SelfAttentionLayers);
            Assert.Equal((recorded.Rescaler, recorded.Lower, recorded.Upper), (preset.Rescaler, preset.Lower, preset.Upper));
            foreach (var (r, q) in recorded.Guiders.Zip(preset.Guiders))
            {
                Assert.Equal(r.Scales[step], q.Scales[step]);
                if (r.SelfAttentionScales is not null) Assert.Equal(r.SelfAttentionScales, q.SelfAttentionScales);   // whole lists: first_steps(30)
                if (r.AppearanceScales is not null) Assert.Equal(r.AppearanceScales, q.AppearanceScales);
                Assert.Equal((r.Block, r.NewFeatures), (q.Block, q.NewFeatures));
            }
        }
        // The 10-step edit ran ours_nonstyle_best resampled: the preset on 10 steps is that config.
        using var e = new Parity("gar_edit.safetensors");
        var shortened = GarReferenceConfig.Read(JsonDocument.Parse(e.Metadata["config_used"]).RootElement, 10);
        var ten = GarPresets.Get("ours_nonstyle_best", 10);
        for (int i = 0; i < 10; i++)
            Assert.Equal(shortened.Guiders[1].SelfAttentionScales![i], ten.Guiders[1].SelfAttentionScales![i]);
    }

    [Fact]
    public void Replay_CatchesAChangedRecording()
    {
        // A copy of the rescaling recording with one case's ε̂ moved by 1 % must fail, naming that tensor.
        using var dir = new TempDir();
        using var file = SafetensorsFile.Open(Fixtures.Parity("gar_rescale.safetensors"));
        var tensors = file.Tensors.Select(t => KeyValuePair.Create(t.Name, t.Name == "in_range.noise_pred" ? t.Load() * 1.01f : t.Load())).ToList();
        var copy = dir.File("changed.safetensors");
        SafetensorsWriter.Write(copy, tensors, file.Metadata);
        var report = GarReplay.Check(copy, Fixtures.Parity("tiny-sd"));
        Assert.False(report.Ok);
        Assert.Contains("in_range.noise_pred", report.Summary);
        foreach (var t in tensors) t.Value.Dispose();
    }
}
