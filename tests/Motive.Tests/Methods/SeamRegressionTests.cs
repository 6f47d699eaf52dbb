using System.Text.Json;
using Motive.IO.Images;
using Motive.Tests.Support;

namespace Motive.Tests.Methods;

/// <summary>
/// The editing seam changed how `motive move` is built, not what it computes: the same edit on the fixture model
/// gives the pixels, tensors and energies `motive move` gave before the seam (Golden/move-before-seam, made by the
/// old code), and `motive run` on its run.json gives the same result.png again, byte for byte.
/// </summary>
public class SeamRegressionTests
{
    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "move-before-seam", name);

    [Fact]
    public void Move_MatchesTheCodeBeforeTheSeam_AndRunReplaysItBitForBit()
    {
        using var dir = new TempDir();
        var output = dir.File("move");
        var (code, _, e) = CliRunner.Run("move", "--model", Fixtures.Parity("tiny-sd"), "--raft", Fixtures.Parity("raft_large_random_fp16.pth"),
            "--size", "128x128", "--prompt", "a red cube", "--translate", "8,0", "--region", "32,32,48,48", "--steps", "4", "--recursions", "2", "--seed", "3",
            "--save-dir", output);
        Assert.True(code == 0, e);

        Assert.Equal(ImageReader.Read(Golden("result.png")).Pixels, ImageReader.Read(Path.Combine(output, "result.png")).Pixels);
        foreach (var file in new[] { "start_zt.pth", "edit_mask.pth" })
            Assert.True(File.ReadAllBytes(Golden(file)).SequenceEqual(File.ReadAllBytes(Path.Combine(output, file))), $"{file} differs from the code before the seam");
        using var before = JsonDocument.Parse(File.ReadAllBytes(Golden("run.json")));
        using var after = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "run.json")));
        var old = before.RootElement.GetProperty("per_evaluation");
        var now = after.RootElement.GetProperty("result").GetProperty("per_evaluation");
        foreach (var series in new[] { "motion", "flow_loss", "color_loss", "guidance_norm", "noise_norm" })
            Assert.Equal(old.GetProperty(series).EnumerateArray().Select(v => v.GetDouble()), now.GetProperty(series).EnumerateArray().Select(v => v.GetDouble()));

        var replay = dir.File("replay");
        var (rc, _, re) = CliRunner.Run("run", Path.Combine(output, "run.json"), "--out", replay);
        Assert.True(rc == 0, re);
        foreach (var file in new[] { "result.png", "summary.png", "start_zt.pth", "edit_mask.pth", "target_flow.pth", "metrics.json" })
            Assert.True(File.ReadAllBytes(Path.Combine(output, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(replay, file))), $"the replay's {file} differs");
    }
}
