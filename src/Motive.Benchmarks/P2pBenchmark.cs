using Motive.Methods.Editing;
using Motive.Methods.PromptToPrompt;
using Motive.Models.Optim;
using Motive.Models.Unet;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Motive.Benchmarks;

/// <summary>
/// Time and memory of Prompt-to-Prompt's steps on any UNet (random weights of SD 1.5's size, typically), side by side
/// with the plain step they replace: a guided pass over two prompts (batch four) with fused attention; the same pass
/// under the controller (every cross-attention replaced, the quarter-side self-attentions replaced, LocalBlend after
/// the step); and one iteration of null-text inversion (a batch-one pass, backward to the unconditional embedding).
/// Measured by <see cref="PhaseBench"/>.
/// </summary>
public static class P2pBenchmark
{
    /// <summary>`motive bench p2p`.</summary>
    public static Tool Bench { get; } = new("p2p", "Time and peak memory of a Prompt-to-Prompt step beside a plain one, and of a null-text inversion iteration (random weights from configs unless --model).",
        [
            BenchModel.Config, BenchModel.Model, BenchModel.Size(512, "Image side in pixels (latents size/8)."),
            ToolOption.Integer("--steps", "Steps to measure per phase.", 2), BenchModel.Dtype, BenchModel.Device,
        ],
        (a, o, log) => PhaseBench.Table(a, o, log, (u, px, dev) => Run(u, px, a.Integer("--steps"), dev, log)));

    public static List<PhaseRow> Run(UNet2DConditionModel unet, int size, int steps, Device device, Action<string>? log = null)
    {
        long latent = size / 8, dim = unet.Config.CrossAttentionDim;
        var dtype = unet.parameters().First().dtype;
        var g = new Generator(0);
        using var texts = randn([4, 77, dim], generator: g).to(dtype, device);           // [uncond × 2, cond × 2]
        using var z = randn([2, 4, latent, latent], generator: g).to(dtype, device);
        using var t = tensor(601L, device: device);
        var rows = new List<PhaseRow>();
        using (no_grad())
        {
            rows.Add(PhaseBench.Measure($"plain guided step, two prompts, fused ({size}²)", steps, log, () =>
            {
                for (int i = 0; i < steps; i++)
                {
                    using var scope = NewDisposeScope();
                    unet.Forward(cat([z, z], 0), t, texts);
                }
            }));
            var words = zeros(2, 77);
            words[.., 2] = 1;
            long quarter = AttentionControl.LevelSide(latent, 4);
            using var control = new AttentionControl(2, new WordSwap(eye(77).unsqueeze(0)), ones([steps + 1, 1, 1, 1, 77]), (0, steps), quarter * quarter,
                new LocalBlend(words, 0.3));
            rows.Add(PhaseBench.Measure($"Prompt-to-Prompt step: replace, LocalBlend ({size}²)", steps, log, () =>
            {
                for (int i = 0; i < steps; i++)
                {
                    using var scope = NewDisposeScope();
                    unet.Forward(cat([z, z], 0), t, texts, control.Hooks());
                    control.EndStep(z.to(float32));
                }
            }));
        }
        using var frozen = Frozen.AllBut(unet);
        var u = new Parameter(texts.narrow(0, 0, 1).to(float32).clone(), requires_grad: true);
        rows.Add(PhaseBench.Measure($"null-text inversion iteration ({size}²)", steps, log, () =>
        {
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                var loss = unet.Forward(z.narrow(0, 0, 1), t, u.to(dtype)).to(float32).square().mean();
                loss.backward();
                u.grad!.zero_();
            }
        }));
        return rows;
    }
}
