using Motive.IO.Safetensors;
using Motive.Replays;
using Motive.Tests.Support;

namespace Motive.Tests.Methods.PromptToPrompt;

/// <summary>
/// Prompt-to-Prompt and null-text inversion against the reference's recordings (fixtures README rows p2p_replace,
/// p2p_refine, p2p_reweight, null_text): mappers, schedules, per-step ε̂ and latents of both prompts, LocalBlend's masks,
/// null-text's pivot, losses, gradients and optimised embeddings, the final pictures; within 1e-4 of each tensor's
/// largest value, integer records exactly, uint8 pictures within 1.
/// </summary>
[Trait(Tier.Category, Tier.Parity)]
public class P2pParityTests
{
    private static ReplayReport Replay(string fixture) => P2pReplay.Check(Fixtures.Parity(fixture));

    [Theory]
    [InlineData("p2p_replace.safetensors", "p2p_replace", "mapper")]
    [InlineData("p2p_refine.safetensors", "p2p_refine", "alphas")]
    [InlineData("p2p_reweight.safetensors", "p2p_reweight", "local_blend_mask[4] (pixels differing)")]
    public void ControlledRun_MatchesTheReference(string fixture, string format, string distinctive)
    {
        var report = Replay(fixture);
        Assert.True(report.Ok, report.Summary);
        Assert.Equal(format, report.Format);
        Assert.Contains(report.Checks, c => c.Name == distinctive);
        Assert.Contains(report.Checks, c => c.Name == "latents[4]");
        Assert.Contains(report.Checks, c => c.Name == "images_uint8");
    }

    [Fact]
    public void NullTextInversion_ReconstructionAndEdit_MatchTheReference()
    {
        var report = Replay("null_text.safetensors");
        Assert.True(report.Ok, report.Summary);
        foreach (var name in new[] { "inversion_latents[5]", "null_loss", "null_grad[9]", "uncond_embeddings_opt[4] (from step 3's)", "recon_latents[4]", "edit_latents[4]", "edit_image_item1_float" })
            Assert.Contains(report.Checks, c => c.Name == name);
    }

    [Fact]
    public void AChangedRecording_IsReportedByName()
    {
        using var dir = new TempDir();
        using var file = SafetensorsFile.Open(Fixtures.Parity("p2p_replace.safetensors"));
        var tensors = file.Tensors.Select(t => KeyValuePair.Create(t.Name, t.Name == "noise_pred" ? t.Load() * 1.001f : t.Load())).ToList();
        var copy = dir.File("p2p_replace.safetensors");
        SafetensorsWriter.Write(copy, tensors, file.Metadata);
        var report = P2pReplay.Check(copy, Fixtures.Parity("tiny-sd"));
        Assert.False(report.Ok);
        Assert.Contains("noise_pred[", report.Summary);
        foreach (var t in tensors) t.Value.Dispose();
    }
}
