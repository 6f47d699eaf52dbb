using System.Text.Json;
using Motive.Guidance.Drag;
using Motive.Methods.DragDiffusion;
using Motive.Models.Loading;
using Motive.Sampling.Schedules;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Methods.Drag;

/// <summary>The drag loop against the reference's drag_diffusion_update on tiny-sd (drag_update.safetensors).</summary>
public class DragUpdateParityTests
{
    internal static List<GridPoint> Points(torch.Tensor t) =>
        Enumerable.Range(0, (int)t.shape[0]).Select(i => new GridPoint(t[i, 0].item<float>(), t[i, 1].item<float>())).ToList();

    internal static DragSettings SettingsOf(Parity p)
    {
        var args = JsonDocument.Parse(p.Metadata["args"]).RootElement;
        return new DragSettings
        {
            FeatureIndices = args.GetProperty("unet_feature_idx").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            MotionRadius = args.GetProperty("r_m").GetInt32(), TrackRadius = args.GetProperty("r_p").GetInt32(),
            Lambda = args.GetProperty("lam").GetDouble(), LatentLearningRate = args.GetProperty("lr").GetDouble(),
            MaxIterations = args.GetProperty("n_pix_step").GetInt32(),
        };
    }

    /// <summary>max|a − e| ≤ 3e-4·max|e| (the fixture README's tolerance for float tensors).</summary>
    internal static void Near(torch.Tensor expected, torch.Tensor actual, string what, double factor = 3e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double diff = (actual.detach().cpu() - expected).abs().max().item<float>();
        Assert.True(diff <= factor * scale, $"{what}: max |diff| {diff:g4} > {factor:g2}·{scale:g4}");
    }

    [Fact]
    public void DragLoop_MatchesReference_IterationByIteration()
    {
        using var p = new Parity("drag_update.safetensors");
        using var model = StableDiffusionModel.Load(Fixtures.Parity("tiny-sd"));
        var settings = SettingsOf(p);
        long t = p["t"][0].item<long>();
        var schedule = DdimSchedule.StableDiffusion;
        float alpha = schedule.Alpha(t), alphaPrev = schedule.Alpha(t - 20);
        using var result = DragUpdate.Run(model.Unet, p["init_code"], t, alpha, alphaPrev, p["text_embeddings"], Points(p["handle_points"]),
            Points(p["target_points"]), p["mask"], settings, keepTensors: true);

        Near(p["unet_eps_init"], result.EpsInitial, "ε at the initial latent");
        Near(p["x_prev_0"], result.PreviousLatent0, "x_prev_0");
        var handles = p["handles_per_iter"];
        var loss = p["loss"];
        var maskLoss = p["loss_mask_term"];
        Assert.Equal((int)loss.shape[0], result.Iterations.Count);
        for (int i = 0; i < result.Iterations.Count; i++)
        {
            var it = result.Iterations[i];
            Assert.Equal(Points(handles[i]), it.Handles);
            Assert.True(Math.Abs(it.Loss - loss[i].item<float>()) <= 3e-4 * Math.Abs(loss[i].item<float>()), $"loss[{i}] {it.Loss} vs {loss[i].item<float>()}");
            Assert.True(Math.Abs(it.MaskLoss - maskLoss[i].item<float>()) <= 3e-4 * Math.Max(1e-6, Math.Abs(loss[i].item<float>())), $"mask term[{i}] {it.MaskLoss} vs {maskLoss[i].item<float>()}");
            Near(p["grad_per_iter"][i], it.Gradient!, $"gradient[{i}]");
            Near(p["latent_per_iter"][i], it.Latent!, $"latent[{i}]");
            Near(p["x_prev_per_iter"][i], it.PreviousLatent!, $"x_prev[{i}]");
        }
        Near(p["final_latent"], result.Latent, "final latent");
    }
}
