using System.Text.Json;
using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Methods.GuideAndRescale;
using Motive.Tests.Support;

namespace Motive.Tests.Cli;

/// <summary>`motive edit` (Guide-and-Rescale): bad input refused before any model, one line, nothing written; the request's JSON.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class EditCommandTests
{
    internal const string Src = "a blue square on a speckled background", Trg = "a red square on a speckled background";

    public static TheoryData<string, string[], string> Bad => new()
    {
        { "no target", ["edit", "--image", "{image}", "--source-prompt", Src, "--target-prompt", " ", "--out", "{out}"], "a target prompt" },
        { "missing image", ["edit", "--image", "{dir}/nope.png", "--source-prompt", Src, "--target-prompt", Trg, "--out", "{out}"], "nope.png: no such file" },
        { "corrupt image", ["edit", "--image", "{dir}/bad.png", "--source-prompt", Src, "--target-prompt", Trg, "--out", "{out}"], "bad.png" },
        { "unknown preset", ["edit", "--image", "{image}", "--source-prompt", Src, "--target-prompt", Trg, "--preset", "best", "--out", "{out}"], "unknown Guide-and-Rescale preset 'best'; known: ours_nonstyle_best" },
        { "bad steps", ["edit", "--image", "{image}", "--source-prompt", Src, "--target-prompt", Trg, "--steps", "0", "--out", "{out}"], "steps must be between 1 and 1000" },
        { "negative weight", ["edit", "--image", "{image}", "--source-prompt", Src, "--target-prompt", Trg, "--appearance", "-1", "--out", "{out}"], "appearance must be a finite number ≥ 0" },
        { "weight of another preset", ["edit", "--image", "{image}", "--source-prompt", Src, "--target-prompt", Trg, "--features", "2", "--out", "{out}"], "has none" },
        { "over the memory limit", ["edit", "--image", "{image}", "--source-prompt", Src, "--target-prompt", Trg, "--max-memory", "0.001", "--out", "{out}"], "more than the 1 MiB allowed on cpu" },
        { "bounds", ["edit", "--image", "{image}", "--source-prompt", Src, "--target-prompt", Trg, "--rescale-lower", "2", "--rescale-upper", "1", "--out", "{out}"], "0 < lower ≤ upper" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void BadInput_IsOneLine_BeforeAnyModel_NothingWritten(string name, string[] args, string message) => Refusals.Check(name, args, message);

    [Fact]
    public void GarRequest_RoundTripsThroughJson_AsRunJsonRecordsIt()
    {
        var request = new GarRequest { Image = "cat.png", SourcePrompt = "a cat", TargetPrompt = "a tiger", Seed = 3, Settings = new GarOptions { Preset = "ours_style_best", Steps = 20 } };
        var json = EditJson.Serialize(request, indented: false);
        Assert.Contains("\"method\":\"guide-and-rescale\"", json);
        var back = Assert.IsType<GarRequest>(EditJson.Parse(json, "request"));
        Assert.Equal(json, EditJson.Serialize(back, indented: false));
    }
}

/// <summary>`motive selftest gar FILE`: exit 0 and one summary line on a match; another format is one clear line.</summary>
[Trait(Tier.Category, Tier.Parity)]
public class SelftestGarCommandTests
{
    [Fact]
    public void SelftestGar_OnTheRescalingRecording_ExitsZeroWithOneLine()
    {
        var (code, o, e) = CliRunner.Run("selftest", "gar", Fixtures.Parity("gar_rescale.safetensors"));
        Assert.True(code == 0, e);
        Assert.StartsWith("gar_rescale replay matches: 24 checks", o.Trim());
        Assert.Single(o.Trim().Split('\n'));
    }

    [Fact]
    public void SelftestGar_OnAnotherFormat_IsOneClearLine()
    {
        var (code, _, e) = CliRunner.Run("selftest", "gar", Fixtures.Parity("drag_update.safetensors"));
        Assert.NotEqual(0, code);
        Assert.Contains("none of the gar_rescale, gar_guiders, gar_edit formats", e);
        Assert.DoesNotContain("   at ", e);
    }
}

/// <summary>`motive edit` on the embedded model: the run's folder, and its run.json replaying it to the same pixels.</summary>
[Trait(Tier.Category, Tier.Integration)]
public class EditCommandRunTests
{
    [Fact]
    public void Edit_OnTheEmbeddedModel_WritesTheFolder_AndRunJsonReplaysIt()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRunner.Run("scene", "--seed", "1", "--size", "64", "--out", dir.File("scene")).Code);
        var output = dir.File("out");
        var (code, _, e) = CliRunner.Run("edit", "--image", dir.File("scene/scene.png"), "--source-prompt", EditCommandTests.Src, "--target-prompt", EditCommandTests.Trg, "--steps", "4", "--width", "64", "--out", output);
        Assert.True(code == 0, e);
        foreach (var f in new[] { "result.png", "summary.png", "norms.png", "energy.png", "metrics.json", "run.json" })
            Assert.True(File.Exists(Path.Combine(output, f)), $"{f} missing");
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run.json")));
        var steps = run.RootElement.GetProperty("result").GetProperty("steps");
        Assert.Equal(4, steps.GetArrayLength());
        Assert.Equal(500, steps[1].GetProperty("t").GetInt64());          // leading spacing without offset: 750, 500, 250, 0
        Assert.Contains("edit: 100%", e);
        var again = dir.File("again");
        var (code2, _, e2) = CliRunner.Run("run", Path.Combine(output, "run.json"), "--out", again);
        Assert.True(code2 == 0, e2);
        Assert.Equal(ImageReader.Read(Path.Combine(output, "result.png")).Pixels, ImageReader.Read(Path.Combine(again, "result.png")).Pixels);
    }
}
