using System.Text.Json;
using Motive.Models.Blocks;
using Motive.Models.Clip;
using Motive.Models.Unet;
using Motive.Models.Vae;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Motive.Training.Loop;
using Motive.ToyWorld.Training;
using TorchSharp;

namespace Motive.Tests.Training;

/// <summary>Training from scratch: a short run lowers the loss, and a run resumes where it stopped.</summary>
[Trait(Tier.Category, Tier.Integration)]
public class TrainingTests
{
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
        Assert.Equal(70, state.RootElement.GetProperty("step").GetInt32());
    }

    /// <summary>
    /// 30 steps of the object-weighted UNet objective (UNet and text encoder together) lower its plain loss on a fixed held-out batch (same
    /// scenes, timesteps and noise before and after); the VAE's scaling factor is calibrated first.
    /// </summary>
    [Fact]
    public void UnetTraining_LowersHeldOutLoss_AndCalibratesTheScalingFactor()
    {
        using var dir = new TempDir();
        ToyModelFolder.Create(dir.Path, seed: 2);
        var o = new TrainOptions(Steps: 30, Batch: 4, LearningRate: 1e-3, EmaDecay: 0, CheckpointEvery: 30, Seed: 2, GradientClip: 1);
        double before = HeldOutUnetLoss(dir.Path);
        var losses = UnetTraining.Train(dir.Path, o, imageSize: 128, objectWeight: 10, datasetSize: 64);   // the held-out loss stays the plain MSE
        Assert.Equal(30, losses.Count);
        double after = HeldOutUnetLoss(dir.Path);
        Assert.True(after < 0.8 * before, $"held-out ε-loss {before:0.000} → {after:0.000}");
        var factor = JsonConfig.Load(Path.Combine(dir.Path, "vae", "config.json")).Double("scaling_factor", 0);
        Assert.NotEqual(0.18215, factor);
        using var model = Motive.Models.Loading.StableDiffusionModel.Load(dir.Path);
        using var heldOut = SceneBatches.Images([1, 3, 5, 7], 128);
        using var latents = model.Vae.Encode(heldOut).Mean * factor;
        Assert.InRange(latents.std().item<float>(), 0.9, 1.1);
    }

    /// <summary>
    /// A run started with other UNet widths rewrites the UNet (config and weights, the text encoder kept), trains it,
    /// and loads back at those widths; once it has steps, the same command resumes it and other widths are refused,
    /// naming the run's.
    /// </summary>
    [Fact]
    public void UnetTraining_FromAFreshUnetOfOtherWidths_TrainsIt_ResumesWithTheSame_AndRefusesOthersOnceStarted()
    {
        using var dir = new TempDir();
        ToyModelFolder.Create(dir.Path, seed: 4);
        var textBefore = File.ReadAllBytes(Path.Combine(dir.Path, "text_encoder", "model.safetensors"));
        int[] widths = [16, 32, 32, 48];
        var o = new TrainOptions(Steps: 4, Batch: 2, LearningRate: 1e-3, CheckpointEvery: 4, Seed: 4, GradientClip: 1);
        var losses = UnetTraining.Train(dir.Path, o, imageSize: 128, datasetSize: 8, freshChannels: widths);
        Assert.Equal(4, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        var config = UnetConfig.From(JsonConfig.Load(Path.Combine(dir.Path, "unet", "config.json")));
        Assert.Equal(widths, config.BlockOutChannels.Select(c => (int)c));
        using (var model = Motive.Models.Loading.StableDiffusionModel.Load(dir.Path))
        {
            var convIn = model.Unet.named_parameters().Single(p => p.name == "conv_in.weight").parameter;
            Assert.Equal(16, convIn.shape[0]);
        }
        Assert.NotEqual(textBefore, File.ReadAllBytes(Path.Combine(dir.Path, "text_encoder", "model.safetensors")));   // trained beside it, not replaced

        var refused = Assert.Throws<ArgumentException>(() => UnetTraining.Train(dir.Path, o with { Steps = 6 }, imageSize: 128, datasetSize: 8, freshChannels: [16, 32, 32, 32]));
        Assert.Contains("at step 4 with widths 16,32,32,48", refused.Message);
        var resumed = UnetTraining.Train(dir.Path, o with { Steps = 6 }, imageSize: 128, datasetSize: 8, freshChannels: widths);   // the same command goes on
        Assert.Equal(6, resumed.Count);
        Assert.Equal(losses, resumed.Take(4));
        Assert.Throws<ArgumentException>(() => ToyModelFolder.WriteUnet(dir.Path, [16, 32, 30, 48]));
    }

    /// <summary>
    /// With the text encoder frozen, a fine-tune changes the UNet and leaves the encoder's weights byte for byte as
    /// they were (no gradient reaches it, so neither AdamW nor the EMA moves it); the leak loss, which trains the
    /// encoder, is refused beside it. With colour pairs on, the recoloured scenes are encoded once beside the table.
    /// </summary>
    [Fact]
    public void UnetTraining_WithTheTextEncoderFrozen_ChangesOnlyTheUnet()
    {
        using var dir = new TempDir();
        ToyModelFolder.Create(dir.Path, seed: 5);
        string text = Path.Combine(dir.Path, "text_encoder", "model.safetensors"), unet = Path.Combine(dir.Path, "unet", "diffusion_pytorch_model.safetensors");
        byte[] textBefore = File.ReadAllBytes(text), unetBefore = File.ReadAllBytes(unet);
        var o = new TrainOptions(Steps: 3, Batch: 2, LearningRate: 1e-3, EmaDecay: 0.9, CheckpointEvery: 3, Seed: 5, GradientClip: 1);
        var losses = UnetTraining.Train(dir.Path, o, imageSize: 128, datasetSize: 8, attentionWeight: 0.1, freezeTextEncoder: true, pairShare: 0.5);
        Assert.Equal(3, losses.Count);
        Assert.True(File.Exists(Path.Combine(dir.Path, "training", "unet", RecolourPairs.FileName)));
        Assert.Equal(textBefore, File.ReadAllBytes(text));
        Assert.NotEqual(unetBefore, File.ReadAllBytes(unet));
        var refused = Assert.Throws<ArgumentException>(() => UnetTraining.Train(dir.Path, o with { Steps = 4 }, imageSize: 128, datasetSize: 8, leakWeight: 1, freezeTextEncoder: true));
        Assert.Contains("text encoder", refused.Message);
    }

    private static double HeldOutUnetLoss(string dir)
    {
        using var model = Motive.Models.Loading.StableDiffusionModel.Load(dir);
        using var denoiser = new ToyDenoiser(model.Unet, model.TextEncoder);
        using var _ = torch.no_grad();
        using var g = new torch.Generator(99);
        var alphas = Motive.Sampling.Schedules.DdimSchedule.From(model.SchedulerConfig).AlphasCumprod;
        using var data = LatentDataset.Build(8, 128, model.Vae, model.Tokenizer, seedOf: Motive.ToyWorld.Scenes.HeldOut.SceneSeed);
        using var loss = UnetTraining.Loss(denoiser, data, model.Tokenizer.Encode(""), alphas, model.Vae.Config.ScalingFactor, 8, g, torch.CPU);
        return loss.item<float>();
    }

    /// <summary>20 steps of RAFT's sequence loss on toy edit pairs lower the end-point error on held-out pairs; the checkpoint loads as RAFT-small.</summary>
    [Fact]
    public void RaftTraining_LowersHeldOutError_AndWritesAPrincetonCheckpoint()
    {
        using var dir = new TempDir();
        var path = dir.File("raft.safetensors");
        double before;
        using (var fresh = RaftTraining.LoadOrCreate(path, seed: 3)) before = RaftTraining.EndPointError(fresh, 8, 128);
        var losses = RaftTraining.Train(path, new TrainOptions(Steps: 20, Batch: 4, LearningRate: 4e-4, CheckpointEvery: 20, Seed: 3, GradientClip: 1), 128);
        Assert.Equal(20, losses.Count);
        using var sd = Motive.IO.StateDicts.StateDict.Open(path);
        Assert.Contains("module.update_block.gru.convz.weight", sd.Keys);
        using var trained = Motive.Models.Raft.RaftLoader.Load(path, small: true);
        double after = RaftTraining.EndPointError(trained, 8, 128);
        Assert.True(after < 0.9 * before, $"held-out EPE {before:0.000} → {after:0.000} px");
    }

    /// <summary>Edit pairs report the kinds they drew, and a turn share makes that many more of them turns.</summary>
    [Fact]
    public void EditPairs_ReportTheirKinds_AndTheTurnShareRaisesTurns()
    {
        var seeds = Enumerable.Range(0, 24).Select(i => 1000 + i).ToArray();
        var plain = SceneBatches.EditPairs(seeds, 128).Kinds;
        Assert.Equal(seeds.Select(s => EditGroundTruth.RandomEdit(SceneGenerator.Generate(s, 128, 128), s).Kind), plain);
        // With a share of 1 every scene that holds a shape other than a circle is turned; the others can only be moved.
        var turnable = seeds.Select(s => SceneGenerator.Generate(s, 128, 128).Objects.Any(o => !Shapes.RotationInvariant(o.Shape)));
        Assert.Equal(turnable.Select(t => t ? EditKind.Rotate : EditKind.Move), SceneBatches.EditPairs(seeds, 128, turnShare: 1).Kinds);
        int half = SceneBatches.EditPairs(seeds, 128, turnShare: 0.5).Kinds.Count(k => k == EditKind.Rotate);
        Assert.True(half > plain.Count(k => k == EditKind.Rotate), $"turns among {seeds.Length} pairs: {half} with a turn share of 0.5, {plain.Count(k => k == EditKind.Rotate)} without");
    }

    /// <summary>Why the toy RAFT runs at input scale 2: the best flow RAFT-small's upsampling can give is closer to the exact one where things move.</summary>
    [Fact]
    public void UpsamplingFloor_IsLowerOnEnlargedScenes()
    {
        var at1 = RaftTraining.UpsamplingFloor(8, 128, 1, steps: 200);
        var at2 = RaftTraining.UpsamplingFloor(8, 128, 2, steps: 200);
        Assert.True(at2.Moving < 0.75 * at1.Moving, $"floor where things move: {at1.Moving:0.000} px at scale 1, {at2.Moving:0.000} px at scale 2");
        Assert.True(at1.MovingInterior < at1.Moving, $"interior {at1.MovingInterior:0.000} px, all moving {at1.Moving:0.000} px");
        // The per-kind errors split the same moving pixels, so their weighted mean (the overall one) lies between them.
        Assert.True(at1.MovingByKind.Count >= 2, $"edit kinds among 8 pairs: {string.Join(", ", at1.MovingByKind.Keys)}");
        Assert.InRange(at1.Moving, at1.MovingByKind.Values.Min() - 1e-9, at1.MovingByKind.Values.Max() + 1e-9);
    }
}

/// <summary>The toy model folder's modules, freshly built, start with finite parameters.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class FreshModuleTests
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
}
