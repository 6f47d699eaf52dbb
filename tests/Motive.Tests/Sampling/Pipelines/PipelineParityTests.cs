using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Sampling;

[Trait(Tier.Category, Tier.Parity)]
public class PipelineParityTests
{
    public static TheoryData<string> Sources => new() { "tiny-sd", "tiny-sd-single.safetensors", "tiny-sd-single.ckpt" };

    internal static StableDiffusionModel Load(string source) =>
        StableDiffusionModel.Load(Fixtures.Parity(source), new LoadOptions(ConfigDir: Fixtures.Parity("tiny-sd")));

    [Theory, MemberData(nameof(Sources))]
    public void Txt2Img_BothGuidanceScales_MatchDiffusers_FromEveryLayout(string source)
    {
        using var p = new Parity("pipeline_txt2img.safetensors");
        using var model = Load(source);
        foreach (var gs in new[] { 1.0, 7.5 })
        {
            using var latents = p["latents"];
            using var result = Txt2Img.Run(model, new Txt2ImgRequest(p.Metadata["prompt"], "", 256, 256, int.Parse(p.Metadata["steps"]), gs, 0, 0, latents));
            Parity.Close(p[$"image_gs{gs:0.0}"], result.Image, 1e-4, 1e-3, $"{source} image at guidance {gs}");
        }
    }
}

[Trait(Tier.Category, Tier.Parity)]
public class SingleFileShapeTests
{
    [Fact]
    public void SingleFile_ArchitectureFromShapes_OverridesAMismatchedConfig()
    {
        // A config folder of "the same family" whose numbers are SD-1.5's, not the tiny model's: the checkpoint's
        // shapes must win for channels, depths and dimensions; heads and norm groups come from the folder.
        using var dir = new TempDir();
        var src = Fixtures.Parity("tiny-sd");
        foreach (var f in Directory.GetFiles(src, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".json") || f.EndsWith(".txt")))
        {
            var dst = Path.Combine(dir.Path, Path.GetRelativePath(src, f));
            Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
            File.Copy(f, dst);
        }
        foreach (var part in new[] { "unet", "vae", "text_encoder" })
        {
            var cfg = Path.Combine(dir.Path, part, "config.json");
            var text = File.ReadAllText(cfg);
            var big = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "configs", "sd15", part, "config.json"));
            // keep the tiny model's norm groups and heads (not in the shapes); take everything else from SD-1.5
            var keep = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
            var merged = System.Text.Json.Nodes.JsonNode.Parse(big)!.AsObject();
            foreach (var k in new[] { "norm_num_groups", "attention_head_dim", "num_attention_heads" })
                if (keep.TryGetPropertyValue(k, out var v)) merged[k] = v?.DeepClone();
            File.WriteAllText(cfg, merged.ToJsonString());
        }
        using var p = new Parity("pipeline_txt2img.safetensors");
        using var model = StableDiffusionModel.Load(Fixtures.Parity("tiny-sd-single.safetensors"), new LoadOptions(ConfigDir: dir.Path));
        Assert.Equal(new long[] { 16, 32, 32, 32 }, model.Unet.Config.BlockOutChannels);
        Assert.Equal(32, model.Unet.Config.CrossAttentionDim);
        Assert.Equal(32, model.TextEncoder.Config.HiddenSize);
        using var latents = p["latents"];
        using var result = Txt2Img.Run(model, new Txt2ImgRequest(p.Metadata["prompt"], "", 256, 256, 4, 7.5, 0, 0, latents));
        Parity.Close(p["image_gs7.5"], result.Image, 1e-4, 1e-3, "image from shapes-inferred architecture");
    }
}
