using Motive.IO;
using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;
using Motive.Models.Flow;
using Motive.Tests.Support;

namespace Motive.Tests.Methods;

/// <summary>Edit requests as JSON: every source kind and motion kind round-trips; bad request files are one clear line each.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class EditRequestTests
{
    public static TheoryData<string> Requests => new()
    {
        """{"method": "motion-guidance", "source": {"kind": "image", "image": "photo.png"}, "prompt": "a cat", "motion": {"draw": {"strokes": [{"kind": "translate", "dx": 20, "dy": 0}], "region": "click:25,105"}}}""",
        """{"method": "motion-guidance", "source": {"kind": "example", "folder": "examples/apple"}, "motion": {"flow": "right.pth"}, "edit_mask": "right.mask.pth", "settings": {"steps": 500, "recursions": 10}}""",
        """{"method": "motion-guidance", "source": {"kind": "generated", "width": 512, "height": 512}, "prompt": "a red cube", "seed": 7, "model": {"path": "sd15"}, "motion": {"draw": {"strokes": [{"kind": "rotate", "degrees": 30}, {"kind": "drag", "pairs": [{"x1": 1, "y1": 2, "x2": 3, "y2": 4}]}], "center": [64, 64]}}}""",
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void EachSourceKind_RoundTrips(string json)
    {
        var request = EditJson.Parse(json, "the test request");
        var again = EditJson.Parse(EditJson.Serialize(request), "its serialisation");
        Assert.Equal(EditJson.Serialize(request), EditJson.Serialize(again));
        var mg = Assert.IsType<MotionGuidanceRequest>(again);
        Assert.NotNull(mg.Source);
        mg.Motion.Validate();
    }

    [Fact]
    public void StrokesParseFromTheCliText()
    {
        Assert.Equal(new TranslateStroke(20, -4), Stroke.Parse("translate", "20,-4"));
        var drag = Assert.IsType<DragStroke>(Stroke.Parse("drag", "1,2:3,4"));
        Assert.Equal(new DragPair(1, 2, 3, 4), drag.Pairs.Single());
        Assert.Equal("rect", RegionSpec.Parse("1,2,3,4").Kind);
        Assert.Equal("click", RegionSpec.Parse("click:25,105").Kind);
        Assert.Equal("mask", RegionSpec.Parse("mask.png").Kind);
        Assert.Throws<ArgumentException>(() => Stroke.Parse("translate", "20"));
        Assert.Throws<ArgumentException>(() => RegionSpec.Parse("ellipse:1,2"));
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "{\"method\": \"motion-guidance\", ", "is not valid JSON" },
        { "[1, 2]", "must be a JSON object with a \"method\"" },
        { "{\"source\": {\"kind\": \"generated\"}}", "has no \"method\" (one of: motion-guidance, drag, guide-and-rescale, prompt-to-prompt, classifier-guidance, warp-inpaint)" },
        { "{\"method\": \"teleport\"}", "names an unknown method 'teleport'" },
        { "{\"method\": \"motion-guidance\", \"source\": {\"kind\": \"generated\"}, \"motion\": {\"flow\": \"f.pth\"}, \"setings\": {}}", "unknown field 'setings'" },
        { "{\"method\": \"motion-guidance\", \"motion\": {\"flow\": \"f.pth\"}}", "a required field is missing" },
        { "{\"method\": \"motion-guidance\", \"source\": {\"kind\": \"generated\"}, \"motion\": {\"flow\": \"f.pth\"}, \"settings\": {\"steps\": \"many\"}}", "settings.steps" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadRequestFile_IsOneLineNamingTheFile(string text, string expected)
    {
        using var dir = new TempDir();
        var file = dir.File("request.json");
        File.WriteAllText(file, text);
        var (code, o, e) = CliRunner.Run("run", file, "--out", dir.File("out"));
        Assert.Equal(1, code);
        Assert.Equal("", o);
        var line = Assert.Single(e.Trim().Split('\n'));
        Assert.StartsWith($"motive: {file}: ", line);
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    /// <summary>A request's settings left out come from the model's preset (motive.json), the rest from the reference.</summary>
    [Fact]
    public void LeftOutSettings_ComeFromTheModelsPreset_ThenTheReference()
    {
        var embedded = new MotionGuidanceMethod().Defaults(null);
        var preset = MethodPresets.For<MotionGuidanceOptions>(EmbeddedModelDir, MotionGuidanceMethod.MethodName)
                     ?? throw new MotiveFormatException(EmbeddedModelDir, "has no motion-guidance preset");
        Assert.Equal(preset.Steps, embedded.Steps);
        Assert.Equal(MotionGuidanceOptions.Reference.ColorWeight, embedded.ColorWeight);   // not in the preset
        var sd = new MotionGuidanceMethod().Defaults(Fixtures.Parity("tiny-sd"));               // no motive.json: the reference
        Assert.Equal(MotionGuidanceOptions.Reference, sd);
    }

    private static string EmbeddedModelDir => Motive.Models.Loading.EmbeddedModel.Dir;
}
