using Motive.Cli;
using Motive.IO.Images;
using Motive.IO.Safetensors;
using Motive.Tests.Support;

namespace Motive.Tests.Cli;

[Trait(Tier.Category, Tier.Parity)]
public class GenerateCommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Generate_WithTheFixtureLatents_ReproducesDiffusersPipeline()
    {
        using var dir = new TempDir();
        using var p = new Parity("pipeline_txt2img.safetensors");
        var latents = dir.File("latents.safetensors");
        using (var l = p["latents"]) SafetensorsWriter.Write(latents, [new("latents", l)]);
        var png = dir.File("out.png");
        var tensors = dir.File("out.safetensors");
        var (code, o, e) = Run("generate", "--model", Fixtures.Parity("tiny-sd-single.ckpt"), "--config", Fixtures.Parity("tiny-sd"),
            "--prompt", p.Metadata["prompt"], "--width", "256", "--height", "256", "--steps", "4", "--guidance", "7.5",
            "--latents", latents, "--out", png, "--save-tensors", tensors);
        Assert.True(code == 0, e);
        Assert.Contains("wrote", o);
        using var f = SafetensorsFile.Open(tensors);
        using var image = f.Tensors.Single(t => t.Name == "image").Load();
        Parity.Close(p["image_gs7.5"], image, 1e-4, 1e-3, "generate --latents");
        Assert.Equal(new long[] { 1, 4, 32, 32 }, f.Tensors.Single(t => t.Name == "latents").Shape);
        var meta = PngText.Read(png);
        Assert.Equal(p.Metadata["prompt"], meta["motive.prompt"]);
        Assert.Equal("7.5", meta["motive.guidance"]);
        Assert.Equal(256, ImageReader.Read(png).Width);
    }

    [Fact]
    public void Generate_SameSeed_SameImage_AndSingleFileWithoutConfig_IsAClearError()
    {
        using var dir = new TempDir();
        string[] Args(string o) => ["generate", "--model", Fixtures.Parity("tiny-sd"), "--prompt", "a red cube", "--width", "64", "--height", "64",
            "--steps", "2", "--seed", "7", "--out", o];
        Assert.Equal(0, Run(Args(dir.File("a.png"))).Item1);
        Assert.Equal(0, Run(Args(dir.File("b.png"))).Item1);
        Assert.Equal(ImageReader.Read(dir.File("a.png")).Pixels, ImageReader.Read(dir.File("b.png")).Pixels);

        var copy = dir.File("alone.safetensors");
        File.Copy(Fixtures.Parity("tiny-sd-single.safetensors"), copy);
        var (code, _, e) = Run("generate", "--model", copy, "--prompt", "x", "--out", dir.File("c.png"));
        Assert.Equal(CliApp.BadInput, code);
        Assert.Contains("--config", e);
        Assert.Single(e.Trim().Split('\n'));
    }

    /// <summary>With no size given, an image comes out at the model's own size: 128 px for the embedded toy model (its UNet's sample_size 16 × the VAE's 8), not SD's 512.</summary>
    [Fact]
    public void Generate_OnTheEmbeddedModel_DefaultsToItsOwnSize()
    {
        using var dir = new TempDir();
        var (code, _, e) = Run("generate", "--prompt", "a red star on a striped background", "--steps", "2", "--out", dir.File("toy.png"));
        Assert.True(code == 0, e);
        var image = ImageReader.Read(dir.File("toy.png"));
        Assert.Equal((128, 128), (image.Width, image.Height));
    }

    [Fact]
    public void Invert_WithReconstruct_WritesTrajectoryAndReportsPsnr()
    {
        using var dir = new TempDir();
        using var p = new Parity("pipeline_txt2img.safetensors");
        var input = dir.File("in.png");
        using (var img = p["image_gs1.0"]) PngWriter.Write(input, ImageTensors.FromTensor01(img));
        var (code, o, e) = Run("invert", "--model", Fixtures.Parity("tiny-sd"), "--image", input, "--prompt", p.Metadata["prompt"],
            "--steps", "10", "--out", dir.File("inv.safetensors"), "--reconstruct", dir.File("rec.png"));
        Assert.True(code == 0, e);
        Assert.Contains("PSNR against the input", o);
        using var f = SafetensorsFile.Open(dir.File("inv.safetensors"));
        Assert.Equal(new long[] { 10, 1, 4, 32, 32 }, f.Tensors.Single(t => t.Name == "trajectory").Shape);
        using var ts = f.Tensors.Single(t => t.Name == "timesteps").Load();
        Assert.Equal(901L, ts[0].item<long>());
        Assert.True(File.Exists(dir.File("rec.png")));
    }
}
