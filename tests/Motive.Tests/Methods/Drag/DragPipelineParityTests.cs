using System.Text.Json;
using Motive.Methods.DragDiffusion;
using Motive.Models.Flow;
using Motive.Models.Loading;
using Motive.Models.Unet;
using Motive.Tests.Support;
using TorchSharp;
using static Motive.Tests.Methods.Drag.DragUpdateParityTests;

namespace Motive.Tests.Methods.Drag;

/// <summary>The whole real-image pipeline against the reference's run_drag on tiny-sd with its LoRA (drag_pipeline.safetensors).</summary>
public class DragPipelineParityTests
{
    [Fact]
    public void RunDrag_MatchesReference_FromPixelsToPixels()
    {
        using var p = new Parity("drag_pipeline.safetensors");
        using var model = StableDiffusionModel.Load(Fixtures.Parity("tiny-sd"));
        using var lora = UnetLora.Attach(model.Unet, Path.Combine(Fixtures.Parity("tiny-sd-lora"), "pytorch_lora_weights.safetensors"));
        var arguments = JsonDocument.Parse(p.Metadata["arguments"]).RootElement;
        var settings = new DragSettings
        {
            Lambda = arguments.GetProperty("lam").GetDouble(), LatentLearningRate = arguments.GetProperty("latent_lr").GetDouble(),
            MaxIterations = arguments.GetProperty("n_pix_step").GetInt32(), StartStep = arguments.GetProperty("start_step").GetInt32(),
            StartLayer = arguments.GetProperty("start_layer").GetInt32(),
            InvertedSteps = (int)Math.Round(arguments.GetProperty("inversion_strength").GetDouble() * 50),
        };

        // Inputs as the reference derives them from pixels and clicks.
        var xy = p["points_xy"];
        var pairs = Enumerable.Range(0, (int)xy.shape[0] / 2).Select(i => new DragPair(
            xy[2 * i, 0].item<float>(), xy[2 * i, 1].item<float>(), xy[2 * i + 1, 0].item<float>(), xy[2 * i + 1, 1].item<float>())).ToList();
        var source = p["source_image"];
        var (handles, targets) = DragGrid.Points(pairs, source.shape[0], source.shape[1]);
        Assert.Equal(Points(p["handle_points"]), handles);
        Assert.Equal(Points(p["target_points"]), targets);
        using var mask = DragGrid.Mask(p["mask_full"]);
        Assert.True(mask.eq(p["mask_sup"]).all().item<bool>(), "the editable mask on the supervision grid differs");
        using var image = source.permute(2, 0, 1).unsqueeze(0).to(torch.float32) / 127.5f - 1;

        using var result = DragRun.Run(model, image, p["text_embeddings"], p["text_embeddings"], handles, targets, mask, settings, keepTensors: true);

        Assert.Equal(p["inversion_timesteps"].data<long>().ToArray().Reverse(), result.Inversion.Timesteps);
        var inverted = p["inversion_latents"];
        for (int k = 1; k < inverted.shape[0]; k++)
            Near(inverted[k], result.Inversion.Trajectory[(int)inverted.shape[0] - 1 - k], $"inversion latent after step {k}");
        var loss = p["drag.loss"];
        Assert.Equal((int)loss.shape[0], result.Update.Iterations.Count);
        for (int i = 0; i < result.Update.Iterations.Count; i++)
        {
            Assert.Equal(Points(p["drag.handles_per_iter"][i]), result.Update.Iterations[i].Handles);
            Near(p["drag.latent_per_iter"][i], result.Update.Iterations[i].Latent!, $"drag latent[{i}]");
        }
        Near(p["final_latents"], result.FinalLatents, "final latents (source, edit)");
        var expectedImage = p["final_image"];
        double worst = (result.Image - expectedImage).abs().max().item<float>();
        Assert.True(worst <= 3e-4, $"final image: max |diff| {worst:g3} > 3e-4");
        using var ours8 = (result.Image[0].permute(1, 2, 0) * 255).to(torch.uint8).to(torch.int32);
        using var theirs8 = p["final_image_uint8"].to(torch.int32);
        Assert.True((ours8 - theirs8).abs().max().item<int>() <= 1, "uint8 image differs by more than 1");
    }
}
