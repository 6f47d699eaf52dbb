using Motive.Benchmarks;
using Motive.Methods.Editing;
using Motive.Replays;
using Motive.Tests.Support;

namespace Motive.Tests.Cli;

/// <summary>
/// `motive selftest KIND` and `motive bench NAME` are built from the registries (ReplayKinds, SpeedBenches): every
/// entry is a subcommand with every option it describes, and the values given reach the tool (its own checks answer
/// before any model loads).
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class ToolCommandTests
{
    [Fact]
    public void EveryRegisteredReplayAndBenchmark_IsASubcommand_WithItsOptions()
    {
        foreach (var (verb, name, options) in ReplayKinds.All.Select(k => ("selftest", k.Name, k.Options))
                     .Concat(SpeedBenches.All.Select(b => ("bench", b.Name, b.Options))))
        {
            var (code, help, err) = CliRunner.Run(verb, name, "--help");
            Assert.True(code == 0, err);
            foreach (var o in options) Assert.Contains(o.Name, help);
        }
    }

    [Fact]
    public void ADefault_IsShownInHelp_AndUsedWhenLeftOut()
    {
        var (_, help, _) = CliRunner.Run("bench", "mg", "--help");
        Assert.Contains("Default: 512.", help);
        // --size left out is 512, which passes; --evals given reaches the benchmark's own check
        var (code, _, err) = CliRunner.Run("bench", "mg", "--evals", "0");
        Assert.Equal(2, code);
        Assert.Equal("motive: --evals must be between 1 and 100", err.Trim());
    }

    [Theory]
    [InlineData(new[] { "bench", "mg", "--size", "100" }, "motive: --size must be a multiple of 64 up to 2048")]
    [InlineData(new[] { "bench", "gar", "--size", "96" }, "motive: --size must be a multiple of 64 up to 2048")]
    [InlineData(new[] { "bench", "unet", "--dtype", "fp8" }, "motive: --dtype: the model dtype must be fp32, fp16 or bf16, not 'fp8'")]
    [InlineData(new[] { "bench", "mg", "--modes", "reference,slow" }, "motive: --modes: unknown mode 'slow' (reference, fast, lean)")]
    [InlineData(new[] { "bench", "raft", "--device", "tpu" }, "motive: --device must be cpu or cuda, not 'tpu'")]
    public void BadValues_AreOneLine_BeforeAnyModel(string[] args, string message)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Equal(message, err.Trim());
    }

    [Fact]
    public void SelftestOptions_ReachTheReplay()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "recording.safetensors");
        File.WriteAllBytes(file, []);   // the replay's own check answers before the file is read
        var (code, _, err) = CliRunner.Run("selftest", "mg-sampler", file, "--twins", "-1");
        Assert.Equal(2, code);
        Assert.Equal("motive: --twins must be 0 or more and --tolerance above 0", err.Trim());
    }

    [Fact]
    public void ToolArgs_ReadTheTypesTheOptionsSaid()
    {
        var a = new ToolArgs(new Dictionary<string, object?> { ["--n"] = 3, ["--x"] = 0.5, ["--on"] = true, ["--list"] = new[] { "a", "b" }, ["--t"] = null });
        Assert.Equal(3, a.Integer("--n"));
        Assert.Equal(0.5, a.Number("--x"));
        Assert.True(a.Flag("--on"));
        Assert.Equal(["a", "b"], a.List("--list"));
        Assert.Null(a.Text("--t"));
        Assert.Throws<InvalidOperationException>(() => a.Text("--undescribed"));
    }
}
