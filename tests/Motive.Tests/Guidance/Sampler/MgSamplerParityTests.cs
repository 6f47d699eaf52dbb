using Motive.Cli.Commands;
using Motive.Guidance.Sampler;
using Motive.IO.Safetensors;
using Motive.Methods.MotionGuidance;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.Replays;
using Motive.Sampling.Pipelines;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Guidance;

/// <summary>
/// The guided sampler against the reference's recorded run (fixture mg_sampler: 4 steps × 2 recursions, clip active).
/// Measured: the first evaluation and every energy and loss within 1e-4; guidance and noise norms 1e-3; the final latent
/// 0.7 % and the final image 0.9 % — the same as the run's own float32 rounding spread (z_T moved by one rounding unit
/// moves the final latent 0.3–0.9 %), which is why the replay calibrates its limits with twin runs (see SamplerReplay).
/// </summary>
[Trait(Tier.Category, Tier.Parity)]
public class MgSamplerParityTests
{
    private static string Fixture => Fixtures.Parity("mg_sampler.safetensors");

    [Fact]
    public void SelftestCommand_ReplaysTheReferenceRun()
    {
        var (code, o, e) = CliRunner.Run("selftest", "mg-sampler", Fixture);
        Assert.True(code == 0, e);
        Assert.StartsWith("mg-sampler replay matches: 8 guided evaluations, 12 checks", o);
    }

    /// <summary>Without twins every tensor is held to τ: the first evaluation (within 1e-4) and the energies of all eight pass it on their own.</summary>
    [Fact]
    public void Replay_FirstEvaluationAndEnergies_MatchAtTheReadmeTolerance()
    {
        var report = SamplerReplay.Check(Fixture, twins: 0);
        Assert.Equal("8 guided evaluations", report.Scope);
        var strict = report.Checks.Where(c => c.Name.EndsWith("[0]") || c.Name is "energy" or "flow_loss" or "color_loss").ToList();
        Assert.Equal(8, strict.Count);
        Assert.All(strict, c => Assert.True(c.Ok && (c.Diff < 1e-4 || !c.Name.EndsWith("[0]")), $"{c.Name}: relative L2 {c.Diff:g3}"));
    }

    /// <summary>The replay can fail: the recorded run with one setting changed (a 10 % weight, a lower clip) is refused.</summary>
    [Theory]
    [InlineData("w", "330.0")]
    [InlineData("clip", "45.0")]
    public void SelftestCommand_RefusesARunWithAnotherSetting(string key, string value)
    {
        using var dir = new TempDir();
        using var p = new Parity("mg_sampler.safetensors");
        var metadata = p.Metadata.ToDictionary();
        metadata[key] = value;
        var copy = dir.File("mutated.safetensors");
        SafetensorsWriter.Write(copy, p.Names.Select(n => KeyValuePair.Create(n, p[n])), metadata);
        var (code, _, e) = CliRunner.Run("selftest", "mg-sampler", copy, "--model", Fixtures.Parity("tiny-sd"), "--raft", Fixtures.Parity("raft_large_random_fp16.pth"), "--twins", "1");
        Assert.True(code == SelftestCommand.Mismatch, $"exit {code}: {e}");
        Assert.StartsWith("mg-sampler replay differs: ", e);
    }

    /// <summary>The documented invariants on a seeded run of the fixture's inputs, with fresh noise.</summary>
    [Fact]
    public void SeededRun_KeepsMaskedCells_ClipsTheGuidance_AndIsDeterministic()
    {
        var settings = new MotionGuidanceSettings { Steps = 4, Recursions = 2, ClipGrad = 20 };
        using var f = new MgFixtureRun(settings.Cfg);
        var (model, raft, inputs, cond) = (f.Model, f.Raft, f.Inputs, f.Cond);

        torch.Tensor RunOnce(GuidanceTrace trace, List<string> violations)
        {
            using var noise = new SeededNoise(11);
            var keep = inputs.KeepMask!;
            return MotionGuidanceRun.Run(model, raft, cond, inputs, settings, noise, trace, onEvaluation: ev =>
            {
                var reference = inputs.CachedLatents![ev.Step];
                if (!ev.NoisyLatent.masked_select(keep).equal(reference.masked_select(keep)).all().item<bool>())
                    violations.Add($"step {ev.Step} recursion {ev.Recursion}: kept cells differ from the cached latent");
            });
        }

        using var trace1 = new GuidanceTrace();
        using var trace2 = new GuidanceTrace();
        var violations = new List<string>();
        using var a = RunOnce(trace1, violations);
        using var b = RunOnce(trace2, violations);
        Assert.Empty(violations);
        Assert.True(TensorAssert.BitEqual(a, b), "same seed, same device: the same final latent");
        var norms = trace1.Series("guidance_norm");
        Assert.Equal(8, norms.Length);
        Assert.All(norms, n => Assert.True(n <= settings.ClipGrad * (1 + 1e-5), $"guidance norm {n} exceeds the clip {settings.ClipGrad}"));
        Assert.Contains(norms, n => Math.Abs(n - settings.ClipGrad) < 1e-3);   // clipping was active, so the bound was tested
        Assert.Equal(trace1.Series("motion"), trace2.Series("motion"));
    }
}
