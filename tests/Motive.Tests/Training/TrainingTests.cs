using System.Text.Json;
using Motive.Models.Blocks;
using Motive.Models.Clip;
using Motive.Models.Unet;
using Motive.Models.Vae;
using Motive.Tests.Support;
using Motive.Training.Loop;
using Motive.Training.Toy;
using TorchSharp;

namespace Motive.Tests.Training;

/// <summary>Training from scratch: modules start finite, a short run lowers the loss, and a run resumes where it stopped.</summary>
public class TrainingTests
{
    [Fact]
    public void FreshlyBuiltModules_HaveFiniteParameters()
    {
        using var dir = new TempDir();
        ToyModelFolder.Create(dir.Path);
        JsonConfig C(string part) => JsonConfig.Load(Path.Combine(dir.Path, part, "config.json"));
        using var vae = new AutoencoderKL(VaeConfig.From(C("vae")));
        using var unet = new UNet2DConditionModel(UnetConfig.From(C("unet")));
        using var text = new ClipTextModel(ClipTextConfig.From(C("text_encoder")));
        foreach (var m in new torch.nn.Module[] { vae, unet, text })
            foreach (var (name, p) in m.named_parameters())
                Assert.True(p.isfinite().all().item<bool>(), $"{name} is not finite");
    }

    /// <summary>
    /// 60 steps at 64 px lower the VAE's reconstruction error on held-out scenes (measured: 0.430 → 0.417; learning from
/// scratch on fresh scenes every step is slow at first, so the bar is a real but modest drop);
    /// 10 more resume from the checkpoint (history kept, weights carried on), not from scratch.
    /// </summary>
    [Fact]
    public void VaeTraining_LowersHeldOutError_AndResumes()
    {
        using var dir = new TempDir();
        using var heldOut = SceneBatches.Images([900_001, 900_002, 900_003, 900_004], 64);
        var o = new TrainOptions(Steps: 60, Batch: 4, LearningRate: 1e-3, CheckpointEvery: 30, Seed: 1);
        ToyModelFolder.Create(dir.Path, seed: 1);
        double before;
        using (var fresh = VaeTraining.Load(dir.Path)) before = VaeTraining.Evaluate(fresh, heldOut);
        var losses = VaeTraining.Train(dir.Path, o, imageSize: 64);
        Assert.Equal(60, losses.Count);
        double after;
        using (var trained = VaeTraining.Load(dir.Path)) after = VaeTraining.Evaluate(trained, heldOut);
        Assert.True(after < 0.99 * before, $"held-out L1 {before:0.0000} → {after:0.0000}");
        Assert.True(File.Exists(Path.Combine(dir.Path, "training", "vae", "loss.png")));

        var resumed = VaeTraining.Train(dir.Path, o with { Steps = 70 }, imageSize: 64);
        Assert.Equal(70, resumed.Count);
        Assert.Equal(losses, resumed.Take(60));
        double again;
        using (var more = VaeTraining.Load(dir.Path)) again = VaeTraining.Evaluate(more, heldOut);
        Assert.True(again < 0.99 * before, $"the resumed run carried on from the trained weights: {before:0.0000} → {again:0.0000}");
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "training", "vae", "state.json")));
        Assert.Equal(70, state.RootElement.GetProperty("Step").GetInt32());
    }
}
