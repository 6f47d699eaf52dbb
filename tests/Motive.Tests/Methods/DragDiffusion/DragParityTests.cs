using Motive.Methods.DragDiffusion;
using Motive.Replays;
using Motive.Tests.Support;

namespace Motive.Tests.Methods.Drag;

/// <summary>
/// DragDiffusion against the reference's recordings on tiny-sd (shared/fixtures/parity, drag_*): the drag loop
/// iteration by iteration (handles exact; loss, gradient, latent, x_{t−20} within 3e-4 of each tensor's largest value),
/// the whole real-image pipeline with its LoRA from pixels to pixels, and the per-image LoRA's training steps.
/// </summary>
[Trait(Tier.Category, Tier.Parity)]
public class DragParityTests
{
    /// <summary>The replay as `motive selftest drag` runs it: model and LoRA (or none) from the recording's metadata, or <paramref name="lora"/> instead.</summary>
    private static ReplayReport Replay(string fixture, string? lora = null) => DragReplay.Check(Fixtures.Parity(fixture), lora: lora);

    [Fact]
    public void DragLoop_MatchesDragDiffusionUpdate_IterationByIteration()
    {
        var report = Replay("drag_update.safetensors");
        Assert.True(report.Ok, report.Summary);
        // unet_eps_init, x_prev_0, the iteration count, loss, mask term, tracking margins, 5 × (handles, gradient, latent, x_prev), final latent.
        Assert.Equal(6 + 5 * 4 + 1, report.Checks.Count);
    }

    [Fact]
    public void Pipeline_MatchesRunDrag_FromPixelsToPixels()
    {
        var report = Replay("drag_pipeline.safetensors");
        Assert.True(report.Ok, report.Summary);
        Assert.Contains(report.Checks, c => c.Name == "final_image_uint8");
        Assert.Contains(report.Checks, c => c.Name == "inversion_latents[35]");
    }

    [Fact]
    public void PerImageLora_MatchesTrainLora_LossGradientsAndWeights()
    {
        var report = Replay("drag_lora_step.safetensors");
        Assert.True(report.Ok, report.Summary);
        Assert.Equal(1 + 2 * 2, report.Checks.Count);
    }

    [Fact]
    public void Pipeline_WithoutItsLora_IsCaughtByTheReplay()
    {
        var report = Replay("drag_pipeline.safetensors", lora: LoraChoice.None);
        Assert.False(report.Ok, "the recorded run used a LoRA; replaying without it must differ");
    }
}

/// <summary>`motive selftest drag FILE`: exit 0 and one summary line on a match.</summary>
[Trait(Tier.Category, Tier.Parity)]
public class SelftestDragCommandTests
{
    [Fact]
    public void SelftestDrag_OnTheRecordedLoop_ExitsZeroWithOneLine()
    {
        var (code, o, e) = CliRunner.Run("selftest", "drag", Fixtures.Parity("drag_update.safetensors"));
        Assert.True(code == 0, e);
        Assert.StartsWith("drag_update replay matches:", o.Trim());
        Assert.Single(o.Trim().Split('\n'));
    }

    [Fact]
    public void SelftestDrag_OnAnotherFormat_IsOneClearLine()
    {
        var (code, _, e) = CliRunner.Run("selftest", "drag", Fixtures.Parity("unet_io.safetensors"));
        Assert.NotEqual(0, code);
        Assert.Contains("none of the drag_update, drag_pipeline, drag_lora_step formats", e);
        Assert.DoesNotContain("   at ", e);
    }
}

/// <summary>The drag loop and the LoRA leave a shared model as found: no gradients on its weights, requires_grad as before, no adapters.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class DragLeavesModelAsFoundTests
{
    [Fact]
    public void DragLoopAndLora_LeaveNoGradientsAndTheFlagsAsTheyWere()
    {
        using var model = Motive.Models.Loading.StableDiffusionModel.Load(Fixtures.Parity("tiny-sd"));
        var flags = model.Unet.parameters().Select(p => p.requires_grad).ToList();
        var g = new TorchSharp.torch.Generator(1);
        using var z = TorchSharp.torch.randn([1, 4, 16, 16], generator: g);
        using var text = TorchSharp.torch.randn([1, 77, 32], generator: g);
        using var editable = TorchSharp.torch.ones([1, 1, 64, 64]);
        var schedule = Motive.Sampling.Schedules.DdimSchedule.StableDiffusion;
        using (var r = DragUpdate.Run(model.Unet, z, 681, schedule.Alpha(681), schedule.Alpha(661), text, null,
            [new Motive.Methods.DragDiffusion.GridPoint(20, 20)], [new Motive.Methods.DragDiffusion.GridPoint(20, 40)], editable, new DragSettings { MaxIterations = 2 }))
            Assert.Equal(2, r.Iterations.Count);
        using (Motive.Models.Unet.UnetLora.Keep(model.Unet))
        {
            using var image = TorchSharp.torch.zeros([128, 128, 3], dtype: TorchSharp.torch.uint8);
            ImageLora.Train(model, image, text, new LoraSettings { Rank = 2, Steps = 1, Batch = 1, Resolution = 128 });
        }
        Assert.All(model.Unet.parameters(), p => Assert.True(p.grad is null, "a weight of the shared UNet has a gradient"));
        Assert.Equal(flags, model.Unet.parameters().Select(p => p.requires_grad).ToList());
        Assert.All(model.Unet.Attentions, a => Assert.Null(a.Lora));
    }
}
