using System.Diagnostics;
using Motive.Cli;
using Motive.IO.Checkpoints;
using Motive.IO.Images;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Cli;

/// <summary>
/// A request is checked whole before any work: each case found by trying the CLI as a new user would (issue 18),
/// refused with its exit code and one printable line, leaving no output behind; sizes refused within a second,
/// file problems before any model is loaded (no progress line is printed).
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class BadRequestTests
{
    internal static readonly string[] Fixture = ["--model", Fixtures.Parity("tiny-sd"), "--raft", Fixtures.Parity("raft_large_random_fp16.pth")];

    public static TheoryData<string, string[], int, string> Sizes => new()
    {
        { "move", ["move", "--size", "100000x100000", "--translate", "4,0", "--save-dir", "{out}"], 2, "larger than the 2048 px a side" },
        { "generate", ["generate", "--prompt", "a cat", "--width", "100000", "--height", "100000", "--out", "{out}"], 2, "larger than the 2048 px a side" },
        { "flow make", ["flow", "make", "--size", "100000x100000", "--translate", "4,0", "--out", "{out}"], 2, "larger than the 2048 px a side" },
        { "scene", ["scene", "--size", "100000", "--out", "{out}"], 2, "--size must be between 64 and 1024 px" },
        { "demo --recursions 0", ["demo", "--recursions", "0", "--out", "{out}"], 2, "recursions must be at least 1" },
        { "move without a motion", ["move", "--save-dir", "{out}"], 2, "say where things move" },
        { "move over the memory limit", ["move", "--size", "512x512", "--translate", "4,0", "--max-memory", "0.001", "--save-dir", "{out}"], 2, "more than the 1 MiB allowed on cpu; lean memory would need about" },
        { "lean move over the memory limit", ["move", "--size", "512x512", "--translate", "4,0", "--lean-memory", "--max-memory", "0.001", "--save-dir", "{out}"], 2, "(lean memory)), more than the 1 MiB allowed on cpu (--max-memory GIB sets the limit)" },
        { "train evaluate --first alone", ["train", "evaluate", "--model-dir", "{out}", "--first", "3"], 2, "--first needs --captions-only" },
        { "train evaluate with both parts alone", ["train", "evaluate", "--model-dir", "{out}", "--raft-only", "--captions-only"], 2, "--raft-only, --captions-only and --attention-only each measure one part" },
        { "train unet with a width that is not a number", ["train", "unet", "--model-dir", "{out}", "--unet-channels", "64,x,64,64"], 2, "--unet-channels: 'x' is not a whole number" },
        { "train unet with three widths", ["train", "unet", "--model-dir", "{out}", "--unet-channels", "64,64,64"], 2, "the UNet needs 4 block widths" },
        { "train unet with swap consistency but no colour pairs", ["train", "unet", "--model-dir", "{out}", "--swap-consistency", "1"], 2, "give colour pairs a share above 0" },
        { "invert --null-text without guidance", ["invert", "--null-text", "--guidance", "1", "--image", "scene.png", "--out", "{out}"], 2, "null-text inversion needs --guidance above 1" },
        { "invert --null-text with refinements", ["invert", "--null-text", "--refinements", "2", "--image", "scene.png", "--out", "{out}"], 2, "null-text inversion's pivot is classic DDIM inversion: drop --refinements" },
        { "move with a bad memory limit", ["move", "--size", "512x512", "--translate", "4,0", "--max-memory", "-1", "--save-dir", "{out}"], 2, "--max-memory must be a number of GiB above 0" },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Refused_WithinASecond_OneLine_NothingWritten(string name, string[] args, int exit, string message)
    {
        using var dir = new TempDir();
        var output = dir.File("out");
        var clock = Stopwatch.StartNew();
        var (code, o, e) = CliRunner.Run(args.Select(a => a == "{out}" ? output : a).ToArray());
        clock.Stop();
        Assert.True(code == exit, $"{name}: exit {code}, {e}");
        OneLine(e, message);
        Assert.Equal("", o);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{name}: refused after {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    /// <summary>Before the fix these were found after a 16–226 s inversion; now they come from the plan, before any model is loaded.</summary>
    [Fact]
    public void WrongSizeFlow_AndUnwritableOutput_AreFoundBeforeAnyModel()
    {
        using var dir = new TempDir();
        var image = dir.File("photo.png");
        PngWriter.Write(image, new RgbImage(128, 128, new byte[128 * 128 * 3]));
        var flow = dir.File("small.pth");
        using (var t = torch.zeros(1, 2, 64, 64)) TorchSaveWriter.WriteTensor(flow, t);

        var (code, o, e) = CliRunner.Run(["move", .. Fixture, "--image", image, "--target-flow", flow, "--save-dir", dir.File("out")]);
        Assert.Equal(1, code);
        OneLine(e, $"{flow}: the flow is 64x64, the image 128x128");
        Assert.Equal("", o);

        // A folder nothing can be created in (/proc refuses even root).
        (code, o, e) = CliRunner.Run(["move", .. Fixture, "--image", image, "--translate", "4,0", "--save-dir", "/proc/motive-no-such-out"]);
        Assert.Equal(1, code);
        OneLine(e, "/proc/motive-no-such-out: cannot be written");
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void TruncatedPng_IsOnePrintableLine()
    {
        using var dir = new TempDir();
        var whole = dir.File("whole.png");
        var pixels = new byte[128 * 128 * 3];
        new Random(1).NextBytes(pixels);
        PngWriter.Write(whole, new RgbImage(128, 128, pixels));
        var cut = dir.File("cut.png");
        File.WriteAllBytes(cut, File.ReadAllBytes(whole)[..2000]);
        var (code, _, e) = CliRunner.Run(["move", .. Fixture, "--image", cut, "--translate", "4,0", "--save-dir", dir.File("out")]);
        Assert.Equal(1, code);
        OneLine(e, $"{cut}: corrupt PNG");
        Assert.False(Directory.Exists(dir.File("out")));
    }

    private static void OneLine(string stderr, string expected)
    {
        var lines = stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, $"expected one line, got: {stderr}");
        Assert.StartsWith("motive: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain(lines[0], c => char.IsControl(c));
    }
}

/// <summary>Ctrl+C in the middle of `motive move`: exit 130, nothing left behind.</summary>
[Trait(Tier.Category, Tier.Integration)]
public class CancelledMoveTests
{
    /// <summary>Ctrl+C in the middle of a run with intermediates: exit 130, no result folder, no temporary folder beside it.</summary>
    [Fact]
    public async Task CancelledMove_WithIntermediates_LeavesNothing()
    {
        using var dir = new TempDir();
        var output = dir.File("out");
        using var cancel = new CancellationTokenSource();
        var stderr = new StringWriter();
        var run = Task.Run(() => CliApp.Run(["move", .. BadRequestTests.Fixture, "--size", "128x128", "--prompt", "a cat", "--translate", "4,0", "--steps", "60", "--recursions", "1",
            "--log-freq", "1", "--save-dir", output], new StringWriter(), stderr, cancel.Token));
        var clock = Stopwatch.StartNew();
        while (!run.IsCompleted && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            bool intermediates = Directory.EnumerateDirectories(dir.Path, ".out.*").Any(d => Directory.Exists(Path.Combine(d, "recons")) && Directory.EnumerateFiles(Path.Combine(d, "recons")).Any());
            if (intermediates) break;
            await Task.Delay(100);
        }
        Assert.False(run.IsCompleted, "the run ended before it wrote an intermediate: " + stderr);
        cancel.Cancel();
        Assert.Equal(CliApp.Cancelled, await run);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
