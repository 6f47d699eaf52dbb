using System.Text.Json.Nodes;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Methods.PromptToPrompt;
using Motive.Tests.Support;

namespace Motive.Tests.Cli;

/// <summary>`motive p2p` (Prompt-to-Prompt): bad input is one line and writes nothing; the request's JSON round-trips.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class P2pCommandTests
{
    internal const string Src = "a blue square on a speckled background", Trg = "a red square on a speckled background";

    public static TheoryData<string, string[], string> Bad => new()
    {
        { "no target", ["p2p", "--source-prompt", Src, "--target-prompt", " ", "--out", "{out}"], "a target prompt" },
        { "double space", ["p2p", "--source-prompt", Src, "--target-prompt", "a red  square", "--out", "{out}"], "double space" },
        { "swap of unequal prompts", ["p2p", "--source-prompt", Src, "--target-prompt", "a big red square on a speckled background", "--edit", "replace", "--out", "{out}"], "use refine" },
        { "unknown edit", ["p2p", "--source-prompt", Src, "--target-prompt", Trg, "--edit", "swap", "--out", "{out}"], "edit must be one of replace, refine, reweight" },
        { "bad word window", ["p2p", "--source-prompt", Src, "--target-prompt", Trg, "--cross-replace-words", "red:0.2-x", "--out", "{out}"], "cross_replace_words: 'red:0.2-x' is not word:end or word:start-end" },
        { "fraction over 1", ["p2p", "--source-prompt", Src, "--target-prompt", Trg, "--self-replace", "1.5", "--out", "{out}"], "self_replace is a fraction of the run" },
        { "reweight without words", ["p2p", "--source-prompt", Src, "--target-prompt", Src, "--edit", "reweight", "--out", "{out}"], "reweight needs words and weights" },
        { "missing picture", ["p2p", "--image", "{dir}/nope.png", "--source-prompt", Src, "--target-prompt", Trg, "--out", "{out}"], "nope.png: no such file" },
        { "corrupt picture", ["p2p", "--image", "{dir}/bad.png", "--source-prompt", Src, "--target-prompt", Trg, "--out", "{out}"], "bad.png" },
        { "blend word in neither prompt", ["p2p", "--source-prompt", Src, "--target-prompt", Trg, "--blend-words", "circle", "--steps", "2", "--out", "{out}"], "neither prompt has the word \"circle\"" },
        { "picture and latents", ["p2p", "--image", "{image}", "--latents", "{dir}/zt.safetensors", "--source-prompt", Src, "--target-prompt", Trg, "--out", "{out}"], "give a picture or a starting latent, not both" },
        { "missing latents", ["p2p", "--latents", "{dir}/zt.safetensors", "--source-prompt", Src, "--target-prompt", Trg, "--out", "{out}"], "zt.safetensors: no such file" },
        { "latents that are a picture", ["p2p", "--latents", "{image}", "--source-prompt", Src, "--target-prompt", Trg, "--out", "{out}"], "in.png: is not a .safetensors file of latents" },
        { "over the memory limit", ["p2p", "--source-prompt", Src, "--target-prompt", Trg, "--max-memory", "0.001", "--out", "{out}"], "more than the 1 MiB allowed on cpu" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void BadInput_IsOneLine_NothingWritten(string name, string[] args, string message) => Refusals.Check(name, args, message);

    [Theory]
    [InlineData("wrong shape", "'zT' is [1, 3, 16, 16], not latents [1, 4, h, w]")]
    [InlineData("NaN", "'zT' holds NaN or infinite values")]
    public void BadLatents_AreRefusedBeforeAnyModel(string kind, string message)
    {
        using var dir = new TempDir();
        var file = dir.File("zt.safetensors");
        using (var t = kind == "NaN" ? TorchSharp.torch.full(1, 4, 16, 16, float.NaN) : TorchSharp.torch.zeros(1, 3, 16, 16))
            Motive.IO.Safetensors.SafetensorsWriter.Write(file, [new("zT", t)]);
        var (code, o, e) = CliRunner.Run("p2p", "--latents", file, "--source-prompt", Src, "--target-prompt", Trg, "--out", dir.File("out"));
        Assert.NotEqual(0, code);
        Assert.Single(e.Trim().Split('\n'));
        Assert.Contains($"{file}: {message}", e);
        Assert.Equal("", o);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void P2pRequest_RoundTripsThroughJson_AsRunJsonRecordsIt()
    {
        var request = new P2pRequest { Image = "cat.png", SourcePrompt = "a cat", TargetPrompt = "a dog", Seed = 3, Settings = new P2pSettings { BlendWords = "cat dog", Steps = 20 } };
        var json = EditJson.Serialize(request, indented: false);
        Assert.Contains("\"method\":\"prompt-to-prompt\"", json);
        var back = Assert.IsType<P2pRequest>(EditJson.Parse(json, "request"));
        Assert.Equal(json, EditJson.Serialize(back, indented: false));
    }
}

/// <summary>
/// `motive p2p` on the embedded model: a generated word swap with LocalBlend writes every output, item 0 is the
/// source prompt's own sample (the same as without any edit), and `motive run run.json` makes the same pictures.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class P2pRunTests
{
    /// <summary>A given x_T (`--latents`, here the seed's own noise written to a file) is where the run starts: the same pictures as from the seed.</summary>
    [Fact]
    public void AGivenXT_StartsTheRun_AsTheSeedsNoiseDoes()
    {
        using var dir = new TempDir();
        using (var g = new TorchSharp.torch.Generator(7))
        using (var noise = TorchSharp.torch.randn([1, 4, 16, 16], generator: g))
            Motive.IO.Safetensors.SafetensorsWriter.Write(dir.File("zt.safetensors"), [new("zT", noise)]);
        string[] common = ["p2p", "--source-prompt", P2pCommandTests.Src, "--target-prompt", P2pCommandTests.Trg, "--steps", "3"];
        var (code, _, e) = CliRunner.Run([.. common, "--seed", "7", "--out", dir.File("seeded")]);
        Assert.True(code == 0, e);
        (code, _, e) = CliRunner.Run([.. common, "--latents", dir.File("zt.safetensors"), "--out", dir.File("given")]);
        Assert.True(code == 0, e);
        foreach (var picture in new[] { "source.png", "result.png" })
            Assert.Equal(ImageReader.Read(dir.File("seeded/" + picture)).Pixels, ImageReader.Read(dir.File("given/" + picture)).Pixels);
        var metrics = JsonNode.Parse(File.ReadAllText(dir.File("given/metrics.json")))!;
        Assert.Equal("generated from the given x_T", metrics["source"]!.GetValue<string>());
    }

    [Fact]
    public void AWordSwap_WritesItsOutputs_KeepsTheSource_AndReplays()
    {
        using var dir = new TempDir();
        var outDir = dir.File("swap");
        var (code, o, e) = CliRunner.Run("p2p", "--source-prompt", P2pCommandTests.Src, "--target-prompt", P2pCommandTests.Trg, "--blend-words", "square",
            "--steps", "4", "--seed", "2", "--out", outDir);
        Assert.True(code == 0, e);
        Assert.Contains("(replace, blended on \"square\")", o);
        foreach (var f in new[] { "result.png", "summary.png", "source.png", "attention.png", "blend.png", "metrics.json", "run.json" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        Assert.Equal("replace", metrics["edit"]!.GetValue<string>());
        Assert.Equal(["red", "square"], metrics["attention_words"]!.AsArray().Select(w => w!.GetValue<string>()));

        // Item 0 is never edited: the same prompt alone (reweighting nothing) gives the same source.
        var plain = dir.File("plain");
        Assert.Equal(0, CliRunner.Run("p2p", "--source-prompt", P2pCommandTests.Src, "--target-prompt", P2pCommandTests.Src, "--reweight", "square:1",
            "--steps", "4", "--seed", "2", "--out", plain).Code);
        Assert.Equal(ImageReader.Read(Path.Combine(outDir, "source.png")).Pixels, ImageReader.Read(Path.Combine(plain, "source.png")).Pixels);
        // Reweighting by 1 changes nothing: the edited item is the source too.
        Assert.Equal(ImageReader.Read(Path.Combine(plain, "source.png")).Pixels, ImageReader.Read(Path.Combine(plain, "result.png")).Pixels);

        var replay = dir.File("replay");
        var (rc, _, re) = CliRunner.Run("run", Path.Combine(outDir, "run.json"), "--out", replay);
        Assert.True(rc == 0, re);
        Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, "result.png")), File.ReadAllBytes(Path.Combine(replay, "result.png")));
    }

    [Fact]
    public void APicture_IsInvertedByNullText_ReconstructedByItem0_AndCached()
    {
        using var dir = new TempDir();
        var scene = Motive.ToyWorld.Scenes.SceneGenerator.Generate(1, 128, 128);
        var caption = Motive.ToyWorld.Scenes.Captions.Of(scene);
        PngWriter.Write(dir.File("scene.png"), Motive.ToyWorld.Scenes.SceneRenderer.Render(scene).ToRgb());
        var env = new Dictionary<string, string> { ["MOTIVE_CACHE"] = dir.File("cache") };
        string[] Args(string name) => ["p2p", "--image", dir.File("scene.png"), "--source-prompt", caption, "--target-prompt", caption.Replace("blue", "red"),
            "--steps", "4", "--inner-steps", "3", "--out", dir.File(name)];
        var (code, o, e) = CliRunner.Run(env, Args("first"));
        Assert.True(code == 0, e);
        var first = JsonNode.Parse(File.ReadAllText(dir.File("first/metrics.json")))!;
        Assert.Equal("null-text", first["inversion"]!.GetValue<string>());
        Assert.True(first["reconstruction_psnr_db"]!.GetValue<double>() > 15, o);
        Assert.Single(Directory.GetFiles(dir.File("cache/null-text")));
        Assert.Equal(0, CliRunner.Run(env, Args("second")).Code);
        var second = JsonNode.Parse(File.ReadAllText(dir.File("second/metrics.json")))!;
        Assert.Equal("cached", second["inversion"]!.GetValue<string>());
        Assert.Equal(first["reconstruction_psnr_db"]!.GetValue<double>(), second["reconstruction_psnr_db"]!.GetValue<double>());
    }
}
