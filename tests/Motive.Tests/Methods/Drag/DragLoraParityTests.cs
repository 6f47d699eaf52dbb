using System.Text.Json;
using Motive.Methods.DragDiffusion;
using Motive.Models.Loading;
using Motive.Models.Unet;
using Motive.Tests.Support;
using TorchSharp;
using static Motive.Tests.Methods.Drag.DragUpdateParityTests;

namespace Motive.Tests.Methods.Drag;

/// <summary>The per-image LoRA's training steps against the reference's train_lora (drag_lora_step.safetensors).</summary>
public class DragLoraParityTests
{
    [Fact]
    public void LoraSteps_MatchReference_LossGradientsAndWeights()
    {
        using var p = new Parity("drag_lora_step.safetensors");
        using var model = StableDiffusionModel.Load(Fixtures.Parity("tiny-sd"));
        using var keep = UnetLora.Keep(model.Unet);
        var args = JsonDocument.Parse(p.Metadata["arguments"]).RootElement;
        var order = JsonDocument.Parse(p.Metadata["lora_params_json"]).RootElement.EnumerateArray()
            .Select(e => (Name: e[0].GetString()!, Size: e[1].EnumerateArray().Aggregate(1L, (a, d) => a * d.GetInt64()))).ToList();
        var settings = new LoraSettings
        {
            Rank = args.GetProperty("lora_rank").GetInt32(), Steps = args.GetProperty("lora_step").GetInt32(),
            LearningRate = args.GetProperty("lora_lr").GetDouble(), Batch = args.GetProperty("lora_batch_size").GetInt32(),
            Resolution = args.GetProperty("resolution").GetInt32(),
        };
        torch.Tensor Flat(IReadOnlyList<(string Name, TorchSharp.Modules.Parameter P)> ps, Func<TorchSharp.Modules.Parameter, torch.Tensor> pick)
        {
            var byName = ps.ToDictionary(x => x.Name, x => x.P);
            Assert.Equal(order.Count, byName.Count);
            return torch.cat(order.Select(o => pick(byName[o.Name]).detach().flatten()).ToArray(), 0);
        }
        var (crops, posterior, noise, timesteps) = (p["crop_offsets"], p["latent_sample_noise"], p["noise"], p["timesteps"]);
        var losses = new List<double>();
        var grads = new List<torch.Tensor>();
        var after = new List<torch.Tensor>();
        ImageLora.Train(model, p["image"], p["text_embedding"], settings,
            draws: step => new LoraDraws(crops[step, .., 0].data<long>().ToArray(), crops[step, .., 1].data<long>().ToArray(), posterior[step], noise[step], timesteps[step].data<long>().ToArray()),
            init: ps =>
            {
                using var _ = torch.no_grad();
                var init = p["lora_init"];
                long offset = 0;
                var byName = ps.ToDictionary(x => x.Name, x => x.P);
                foreach (var (name, size) in order)
                {
                    byName[name].copy_(init.narrow(0, offset, size).view(byName[name].shape));
                    offset += size;
                }
            },
            onStep: (step, loss, ps) =>
            {
                losses.Add(loss);
                grads.Add(Flat(ps, q => q.grad!).clone().DetachFromDisposeScope());
                after.Add(Flat(ps, q => q).clone().DetachFromDisposeScope());
            });

        var expectedLoss = p["loss"];
        for (int s = 0; s < settings.Steps; s++)
        {
            Assert.True(Math.Abs(losses[s] - expectedLoss[s].item<float>()) <= 3e-4 * expectedLoss[s].item<float>(), $"loss[{s}] {losses[s]} vs {expectedLoss[s].item<float>()}");
            Near(p["lora_grad"][s], grads[s], $"LoRA gradient of step {s}");
            Near(p["lora_after"][s], after[s], $"LoRA weights after step {s}");
        }
    }
}
