using System.Text.Json;
using Motive.IO.Images;
using Motive.Tests.Support;

namespace Motive.Tests.Methods;

/// <summary>
/// The editing seam changed how `motive move` is built, not what it computes: the same edit on the fixture model
/// gives the pixels, tensors and energies `motive move` gave before the seam (Golden/move-before-seam, made by the
/// old code), and `motive run` on its run.json gives the same result.png again, byte for byte.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
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

        // Against the code before the seam: the same computation, so the same numbers up to the CPU's float kernels. The
        // golden files were made on an AVX-512 machine; on an AMD EPYC without it the 4 guided steps through RAFT carry
        // the rounding to 3,362 of 49,152 channels, by 1–2 levels (2026-12-02). A changed computation moves far more.
        var want = ImageReader.Read(Golden("result.png")).Pixels;
        var got = ImageReader.Read(Path.Combine(output, "result.png")).Pixels;
        Assert.Equal(want.Length, got.Length);
        int worst = want.Zip(got).Max(p => Math.Abs(p.First - p.Second));
        double mean = want.Zip(got).Average(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= 3 && mean <= 0.25, $"result.png differs from the code before the seam: up to {worst} levels, {mean:0.000} on average");
        foreach (var file in new[] { "start_zt.pth", "edit_mask.pth" })
        {
            using var a = Motive.IO.Tensors.TensorFile.Read(Golden(file));
            using var b = Motive.IO.Tensors.TensorFile.Read(Path.Combine(output, file));
            Parity.Close(a, b, 1e-5, 1e-4, file + " against the code before the seam");
        }
        using var before = JsonDocument.Parse(File.ReadAllBytes(Golden("run.json")));
        using var after = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "run.json")));
        var old = before.RootElement.GetProperty("per_evaluation");
        var now = after.RootElement.GetProperty("result").GetProperty("per_evaluation");
        foreach (var series in new[] { "motion", "flow_loss", "color_loss", "guidance_norm", "noise_norm" })
        {
            var a = old.GetProperty(series).EnumerateArray().Select(v => v.GetDouble()).ToList();
            var b = now.GetProperty(series).EnumerateArray().Select(v => v.GetDouble()).ToList();
            Assert.Equal(a.Count, b.Count);
            double scale = a.Max(Math.Abs);
            Assert.True(a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1e-3 * scale), $"{series} differs from the code before the seam by more than 1e-3 of its largest value");
        }

        var replay = dir.File("replay");
        var (rc, _, re) = CliRunner.Run("run", Path.Combine(output, "run.json"), "--out", replay);
        Assert.True(rc == 0, re);
        foreach (var file in new[] { "result.png", "summary.png", "start_zt.pth", "edit_mask.pth", "target_flow.pth", "metrics.json" })
            Assert.True(File.ReadAllBytes(Path.Combine(output, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(replay, file))), $"the replay's {file} differs");
    }
}
