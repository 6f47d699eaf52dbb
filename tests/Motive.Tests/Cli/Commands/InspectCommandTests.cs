using Motive.Cli;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Cli;

[Trait(Tier.Category, Tier.Unit)]
public class InspectCommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Theory]
    [InlineData("tiny-sd", "diffusers model folder")]
    [InlineData("tiny-sd-single.ckpt", "Stable Diffusion single-file checkpoint")]
    [InlineData("tiny-sd-single.safetensors", "Stable Diffusion single-file checkpoint")]
    [InlineData("raft_large_random_fp16.pth", "RAFT checkpoint (princeton layout)")]
    [InlineData("raft_small_random.pth", "RAFT-small checkpoint (princeton layout)")]
    [InlineData("raft_small_random_legacy.pth", "RAFT-small checkpoint (princeton layout)")]
    [InlineData("tiny-sd-lora/pytorch_lora_weights.safetensors", "LoRA weights")]
    [InlineData("tiny-sd/unet/diffusion_pytorch_model.safetensors", "diffusers UNet2DConditionModel weights")]
    [InlineData("tiny-sd/vae/diffusion_pytorch_model.safetensors", "diffusers AutoencoderKL weights")]
    [InlineData("tiny-sd/text_encoder/model.safetensors", "CLIP text model weights")]
    public void Inspect_ModelFiles_TellsWhatTheyAre(string fixture, string kind)
    {
        var (code, o, e) = Run("inspect", Fixtures.Parity(fixture));
        Assert.Equal(0, code);
        Assert.Equal("", e);
        Assert.Contains(kind, o.Split('\n')[0]);
    }

    [Fact]
    public void Inspect_EverySafetensorsFixture_ListsEveryTensorWithDTypeAndShape()
    {
        foreach (var path in Directory.GetFiles(Fixtures.ParityDir, "*.safetensors"))
        {
            var (code, o, _) = Run("inspect", "--all", path);
            Assert.Equal(0, code);
            using var sd = Motive.IO.StateDicts.StateDict.Open(path);
            Assert.Contains($"tensors: {sd.Count}", o);
            foreach (var t in sd.Tensors)
                Assert.Contains($"{t.Name}", o);
            foreach (var (k, _) in sd.Metadata) Assert.Contains($"    {k}: ", o);
        }
    }

    [Fact]
    public void Inspect_SingleFileCheckpoint_CountsItsParts()
    {
        var (_, o, _) = Run("inspect", Fixtures.Parity("tiny-sd-single.ckpt"));
        Assert.Contains("UNet tensors: 684", o);
        Assert.Contains("VAE tensors: 244", o);
        Assert.Contains("text encoder tensors: 36", o);
        Assert.Contains("global_step: 1", o);
        Assert.Contains("format: torch-zip", o);
    }

    [Fact]
    public void Inspect_FlowAndImage_Described()
    {
        using var dir = new TempDir();
        using var flow = torch.zeros(2, 6, 8);
        flow[0, 2, 3] = torch.tensor(30f); // 30² + 40² overflows a byte: catches sum(0) binding to sum(ScalarType)
        flow[1, 2, 3] = torch.tensor(40f);
        var flo = dir.File("f.pth");
        FlowFile.Write(flo, flow);
        var (code, o, _) = Run("inspect", flo);
        Assert.Equal(0, code);
        Assert.Contains("optical flow", o);
        Assert.Contains("size: 8x6", o);
        Assert.Contains("max displacement: 50 px", o);
        Assert.Contains("moving pixels: 1 of 48", o);

        var png = dir.File("i.png");
        PngWriter.Write(png, new RgbImage(3, 2, new byte[18]), new Dictionary<string, string> { ["motive.seed"] = "42" });
        (code, o, _) = Run("inspect", png);
        Assert.Equal(0, code);
        Assert.Contains("image", o);
        Assert.Contains("size: 3x2", o);
        Assert.Contains("motive.seed: 42", o);
    }

    [Theory]
    [InlineData("broken.ckpt")]
    [InlineData("broken.safetensors")]
    [InlineData("broken.png")]
    [InlineData("broken.flo")]
    [InlineData("broken.npy")]
    public void Inspect_CorruptFile_OneLineNamingTheFile_NonZeroExit(string name)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        // A real file's first bytes, then garbage: each reader must notice.
        var real = Fixtures.Parity("tiny-sd-single.safetensors");
        var bytes = File.ReadAllBytes(real)[..40];
        if (name.EndsWith(".png")) bytes = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4, 5, 6];
        if (name.EndsWith(".ckpt")) bytes = [(byte)'P', (byte)'K', 3, 4, 0, 0, 0];
        File.WriteAllBytes(path, bytes);
        var (code, o, e) = Run("inspect", path);
        Assert.NotEqual(0, code);
        Assert.Equal("", o);
        var lines = e.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith($"motive: {path}: ", lines[0]);
    }

    [Fact]
    public void Inspect_MissingFile_AndMissingArgument_AreOneLineErrors()
    {
        var (code, _, e) = Run("inspect", "/nonexistent/x.safetensors");
        Assert.Equal(CliApp.BadInput, code);
        Assert.Equal("motive: /nonexistent/x.safetensors: no such file or folder", e.Trim());
        (code, _, e) = Run("inspect");
        Assert.Equal(CliApp.BadUsage, code);
        Assert.Single(e.Trim().Split('\n'));
    }

    [Fact]
    public void HelpAndVersion_Work()
    {
        var (code, o, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("inspect", o);
        (code, o, _) = Run("inspect", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--all", o);
        (code, o, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.StartsWith("0.1.0", o);
    }
}

[Trait(Tier.Category, Tier.Unit)]
public class InspectVerifyTests
{
    [Fact]
    public void Verify_FindsNaNInWeights_NamesTheTensor_ExitsNonZero()
    {
        using var dir = new TempDir();
        var path = dir.File("w.safetensors");
        using var good = torch.ones(4);
        using var bad = torch.tensor(new[] { 1f, float.NaN, float.PositiveInfinity });
        Motive.IO.Safetensors.SafetensorsWriter.Write(path, [new("good", good), new("bad", bad)]);
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(["inspect", "--verify", path], o, e);
        Assert.Equal(CliApp.BadInput, code);
        Assert.Contains("non-finite: bad: 2 values", o.ToString());
        Assert.Contains("verified: 2 tensors", o.ToString());
        Assert.Contains("verify: 100%", e.ToString()); // plain progress line when stderr is not a terminal
    }

    [Fact]
    public void Verify_Cancelled_StopsCleanlyWithExitCode130()
    {
        var e = new StringWriter();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        int code = CliApp.Run(["inspect", "--verify", Fixtures.Parity("tiny-sd-single.ckpt")], new StringWriter(), e, cts.Token);
        Assert.Equal(CliApp.Cancelled, code);
        Assert.Equal("motive: cancelled", e.ToString().Trim());
    }
}
