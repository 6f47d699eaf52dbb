using System.Text.Json;
using Motive.IO.Images;
using Motive.ToyWorld;
using Motive.Tests.Support;

namespace Motive.Tests.ToyWorld;

/// <summary>
/// The embedded toy model end to end: `motive demo` (the README's first command) writes what it promises. (The
/// reduced bench asserting that guidance beats no guidance waits for better-trained toy models: see models/toy.)
/// </summary>
public class DemoTests
{
    [Fact]
    public void Demo_WritesInputFlowResultGroundTruthAndMetrics()
    {
        using var dir = new TempDir();
        var output = dir.File("demo");
        var (code, o, e) = CliRunner.Run("demo", "--steps", "6", "--recursions", "1", "--out", output);
        Assert.True(code == 0, e);
        Assert.Contains($"wrote {output}", o);
        foreach (var name in new[] { "input.png", "target_flow.png", "result.png", "achieved_flow.png", "ground_truth.png", "summary.png", "metrics.json", "target_flow.pth" })
            Assert.True(File.Exists(Path.Combine(output, name)), $"{name} is missing");
        var summary = ImageReader.Read(Path.Combine(output, "summary.png"));
        Assert.Equal(5 * 128 + 4 * 4, summary.Width);
        using var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "metrics.json")));
        Assert.StartsWith("move the ", record.RootElement.GetProperty("edit").GetString());
        var metrics = record.RootElement.GetProperty("metrics");
        Assert.InRange(metrics.GetProperty("Psnr").GetDouble(), 5, 60);
        Assert.InRange(metrics.GetProperty("EpeMoving").GetDouble(), 0, 60);
    }

    [Fact]
    public void Demo_WithAMissingModel_IsOneClearLine()
    {
        using var dir = new TempDir();
        var (code, _, e) = CliRunner.Run("demo", "--model", dir.File("nowhere"), "--out", dir.File("demo"));
        Assert.Equal(1, code);
        Assert.Contains("has no toy model", e);
        Assert.Single(e.Trim().Split('\n'));
    }
}
