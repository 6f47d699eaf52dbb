using System.Text.Json;
using Motive.IO.Checkpoints;
using Motive.IO.Images;
using Motive.IO.Numpy;
using Motive.IO.Tensors;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Cli;

/// <summary>`motive move` end to end on the fixture model: an example folder read unchanged, a real image through inversion.</summary>
[Trait(Tier.Category, Tier.Integration)]
public class MoveCommandTests
{
    internal static readonly string[] Models = ["move", "--model", Fixtures.Parity("tiny-sd"), "--raft", Fixtures.Parity("raft_large_random_fp16.pth")];

    /// <summary>
    /// The mg_sampler fixture's inputs laid out as a reference example folder (pred.png, start_zt.pth, latents/,
    /// flows/, a schedule .npy). The first evaluation has no randomness in it, so its energy must be the recorded
    /// one (up to pred.png's 8-bit rounding of the source): that checks timesteps, latent order, mask polarity and schedule.
    /// </summary>
    [Fact]
    public void ExampleFolder_IsReadUnchanged_AndTheFirstEvaluationMatchesTheReference()
    {
        using var dir = new TempDir();
        using var p = new Parity("mg_sampler.safetensors");
        var example = MakeExampleFolder(dir, p);
        var sched = dir.File("schedule.npy");
        using (var s = torch.tensor(new[] { 1.0, 0.5, 2.0, 1.0 })) NpyFile.Write(sched, s);
        var output = dir.File("out");
        var (code, o, e) = CliRunner.Run([.. Models, "--input-dir", example, "--target-flow", "right.pth", "--edit-mask", "right.mask.pth",
            "--guidance-schedule", sched, "--steps", "4", "--recursions", "2", "--clip-grad", "50", "--explicit-attention", "--save-dir", output]);
        Assert.True(code == 0, e);
        Assert.StartsWith($"wrote {output}: result.png, summary.png, run.json (8 guided evaluations", o);

        using var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "run.json")));
        var evals = record.RootElement.GetProperty("result").GetProperty("per_evaluation");
        Assert.Equal([751L, 751, 501, 501, 251, 251, 1, 1], evals.GetProperty("timestep").EnumerateArray().Select(v => v.GetInt64()));
        var energy = evals.GetProperty("motion").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        double expected = p["energy"][0].item<float>();
        Assert.True(Math.Abs(energy[0] - expected) <= 2e-3 * expected, $"first energy {energy[0]} vs the reference's {expected}");
        Assert.All(evals.GetProperty("guidance_norm").EnumerateArray(), v => Assert.True(v.GetDouble() <= 50 * (1 + 1e-5)));

        var result = ImageReader.Read(Path.Combine(output, "result.png"));
        Assert.Equal((128, 128), (result.Width, result.Height));
        var summary = ImageReader.Read(Path.Combine(output, "summary.png"));
        Assert.Equal(4 * 128 + 3 * 4, summary.Width);
        using var keep = TensorFile.Read(Path.Combine(output, "edit_mask.pth"));
        Assert.True(keep.equal(p["edit_mask_keep"].to(torch.@bool)).all().item<bool>(), "the edit mask used is the folder's");
        using var flow = TensorFile.Read(Path.Combine(output, "target_flow.pth"));
        Assert.True(flow.equal(p["target_flow"]).all().item<bool>(), "the target flow used is the folder's");
    }

    /// <summary>A real 200×130 picture: resized to 192×128 (nearest multiples of 64), inverted, edited with a stroke.</summary>
    [Fact]
    public void RealImage_IsInvertedAndResizedByTheRule()
    {
        using var dir = new TempDir();
        var input = dir.File("photo.png");
        PngWriter.Write(input, Texture(200, 130));
        var output = dir.File("out");
        var (code, o, e) = CliRunner.Run([.. Models, "--image", input, "--translate", "6,0", "--region", "60,40,50,50",
            "--steps", "3", "--recursions", "1", "--save-dir", output]);
        Assert.True(code == 0, e);
        Assert.Contains("resized the input 200x130 → 192x128", e);
        var result = ImageReader.Read(Path.Combine(output, "result.png"));
        Assert.Equal((192, 128), (result.Width, result.Height));
        using var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "run.json")));
        var result1 = record.RootElement.GetProperty("result");
        Assert.Contains("inverted", result1.GetProperty("source").GetString());
        Assert.Equal(3, result1.GetProperty("metrics").GetProperty("guided_evaluations").GetInt32());
        // The stroke moved 6 px at the input's width; at 192 px wide that is 6·192/200 = 5.76 px.
        using var flow = TensorFile.Read(Path.Combine(output, "target_flow.pth"));
        Assert.Equal(5.76, flow[0, 0].max().item<float>(), 3);
    }

    /// <summary>The README's one-command edit of a picture on the embedded model: no --model or --raft; a toy scene as the picture.</summary>
    [Fact]
    public void EmbeddedModel_IsTheDefault_AndAPictureRunsThroughInversion()
    {
        using var dir = new TempDir();
        var scene = SceneGenerator.Generate(39, 128, 128);
        var input = dir.File("scene.png");
        PngWriter.Write(input, SceneRenderer.Render(scene).ToRgb());
        var o = scene.Objects[0];
        var output = dir.File("out");
        var (code, _, e) = CliRunner.Run("move", "--image", input, "--prompt", Captions.Of(scene), "--translate", "12,0",
            "--region", $"click:{o.X:0},{o.Y:0}", "--steps", "4", "--recursions", "1", "--save-dir", output);
        Assert.True(code == 0, e);
        using var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "run.json")));
        // No model path and no RAFT in the request: the embedded ones; the settings not given are the embedded model's preset.
        Assert.False(record.RootElement.GetProperty("model").TryGetProperty("path", out _));
        Assert.False(record.RootElement.TryGetProperty("raft", out _));
        var settings = record.RootElement.GetProperty("settings");
        var preset = new Motive.Methods.MotionGuidance.MotionGuidanceMethod().Defaults(null);
        Assert.Equal(preset.ClipGrad, settings.GetProperty("clip_grad").GetDouble());
        Assert.Equal(preset.Cfg, settings.GetProperty("cfg").GetDouble());
        var result1 = record.RootElement.GetProperty("result");
        Assert.Contains("inverted", result1.GetProperty("source").GetString());
        Assert.Equal(4, result1.GetProperty("metrics").GetProperty("guided_evaluations").GetInt32());
        // The click region is the object: the flow moves some pixels 12 px and leaves most of the scene still.
        using var flow = TensorFile.Read(Path.Combine(output, "target_flow.pth"));
        Assert.Equal(12f, flow[0, 0].max().item<float>());
        double moving = flow[0, 0].ne(0).to(torch.float32).mean().item<float>();
        Assert.InRange(moving, 0.005, 0.2);
    }

    internal static string MakeExampleFolder(TempDir dir, Parity p)
    {
        var example = dir.File("example");
        Directory.CreateDirectory(Path.Combine(example, "flows"));
        Directory.CreateDirectory(Path.Combine(example, "latents"));
        PngWriter.Write(Path.Combine(example, "pred.png"), ImageTensors.FromTensorPm1(p["source"]));
        TorchSaveWriter.WriteTensor(Path.Combine(example, "start_zt.pth"), p["start_zt"]);
        var cached = p["cached_latents"];
        for (int i = 0; i < cached.shape[0]; i++) TorchSaveWriter.WriteTensor(Path.Combine(example, "latents", $"zt.{i:00000}.pth"), cached[i]);
        TorchSaveWriter.WriteTensor(Path.Combine(example, "flows", "right.pth"), p["target_flow"]);
        TorchSaveWriter.WriteTensor(Path.Combine(example, "flows", "right.mask.pth"), p["edit_mask_keep"].to(torch.@bool));
        return example;
    }

    /// <summary>A deterministic texture (stripes and a blob), the kind of picture inversion is for.</summary>
    internal static RgbImage Texture(int w, int h)
    {
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = (y * w + x) * 3;
                px[i] = (byte)(128 + 100 * Math.Sin(x * 0.4));
                px[i + 1] = (byte)(128 + 100 * Math.Cos(y * 0.3));
                px[i + 2] = (byte)((x - w / 2) * (x - w / 2) + (y - h / 2) * (y - h / 2) < h * h / 16 ? 230 : 40);
            }
        return new RgbImage(w, h, px);
    }
}

/// <summary>`motive move`'s options and bad input: --cfg and --zoom, and each problem one line, found before any edit runs.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class MoveCommandRefusalTests
{
    /// <summary>`move`'s classifier-free guidance is --cfg (its earlier spelling --scale still works and says so); its scale stroke is --zoom.</summary>
    [Fact]
    public void Cfg_IsTheGuidanceScale_ScaleItsEarlierSpelling_AndTheStrokeIsZoom()
    {
        var (code, o, e) = CliRunner.Run("move", "--help");
        Assert.True(code == 0, e);
        var lines = o.Split('\n').Select(l => l.TrimStart()).ToList();
        Assert.Single(lines, l => l.StartsWith("--cfg, --scale ") && l.Contains("Classifier-free guidance"));
        Assert.Contains(lines, l => l.StartsWith("--zoom ") && l.Contains("Scale factor"));
        // The earlier spelling still works and says the new one (the request is refused for another reason: no motion).
        var (code2, _, e2) = CliRunner.Run("move", "--scale", "3", "--out", "unused");
        Assert.Equal(2, code2);
        Assert.Contains("--scale is now --cfg", e2);
    }

    [Fact]
    public void FlowOfTheWrongSize_IsOneLineNamingTheFile()
    {
        using var dir = new TempDir();
        using var p = new Parity("mg_sampler.safetensors");
        var example = MoveCommandTests.MakeExampleFolder(dir, p);
        using (var small = torch.zeros(1, 2, 64, 64)) TorchSaveWriter.WriteTensor(Path.Combine(example, "flows", "small.pth"), small);
        var (code, o, e) = CliRunner.Run([.. MoveCommandTests.Models, "--input-dir", example, "--target-flow", "small.pth", "--steps", "4", "--save-dir", dir.File("out")]);
        Assert.Equal(1, code);
        Assert.Equal($"motive: {Path.Combine(example, "flows", "small.pth")}: the flow is 64x64, the image 128x128", e.Trim());
        Assert.Equal("", o);
    }

    [Fact]
    public void TooSmallForRaft_IsRefusedBeforeAnyWork()
    {
        using var dir = new TempDir();
        var input = dir.File("tiny.png");
        PngWriter.Write(input, MoveCommandTests.Texture(100, 70));
        var (code, _, e) = CliRunner.Run([.. MoveCommandTests.Models, "--image", input, "--translate", "6,0", "--steps", "3", "--save-dir", dir.File("out")]);
        Assert.Equal(2, code);
        Assert.Equal($"motive: the source image {input}: 100x70 → 128x64 is too small; RAFT needs at least 128 px on each side", e.Trim());
    }

    [Fact]
    public void MissingStartLatent_IsOneLineNamingTheFolder()
    {
        using var dir = new TempDir();
        using var p = new Parity("mg_sampler.safetensors");
        var example = MoveCommandTests.MakeExampleFolder(dir, p);
        File.Delete(Path.Combine(example, "start_zt.pth"));
        var (code, _, e) = CliRunner.Run([.. MoveCommandTests.Models, "--input-dir", example, "--target-flow", "right.pth", "--steps", "4", "--save-dir", dir.File("out")]);
        Assert.Equal(1, code);
        Assert.Single(e.Trim().Split('\n'));
        Assert.Contains($"{example}: has no start_zt.pth", e);
    }
}
