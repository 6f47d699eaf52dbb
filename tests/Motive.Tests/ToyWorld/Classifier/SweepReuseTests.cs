using System.Text.Json.Nodes;
using Motive.Methods.ClassifierGuidance;
using Motive.Methods.Editing;
using Motive.Tests.Support;
using Motive.ToyWorld.Classifier;

namespace Motive.Tests.ToyWorld;

/// <summary>`motive eval guide --reuse`: a scale's folder is judged again only when its run.json records the request the sweep would run, and every sample is there.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class SweepReuseTests
{
    [Fact]
    public void ARecordedRun_IsReused_OnlyForTheSameRequest()
    {
        using var dir = new TempDir();
        var request = new ClassifierGuidanceRequest { Target = "red", Seed = 1000, Settings = new ClassifierGuidanceOptions { Samples = 2, Scale = 10 } };
        // run.json as EditRun writes it: the resolved settings (the request's over the embedded model's preset over the reference).
        var run = new JsonObject
        {
            ["method"] = ClassifierGuidanceMethod.MethodName, ["prompt"] = "", ["target"] = "red", ["seed"] = 1000,
            ["settings"] = SettingsLayers.ToJson(SettingsLayers.Over(request.Settings, new ClassifierGuidanceMethod().Defaults(null))),
            ["result"] = new JsonObject { ["elapsed_seconds"] = 12.5, ["metrics"] = new JsonObject { ["samples"] = 2, ["classifier_target_fraction"] = 0.5 } },
        };
        File.WriteAllText(Path.Combine(dir.Path, "run.json"), run.ToJsonString());
        Assert.Null(SweepReuse.Recorded(request, dir.Path));   // no pictures yet
        for (int k = 0; k < 2; k++) File.WriteAllBytes(Path.Combine(dir.Path, ClassifierGuidanceOutputs.SampleFile(k)), []);
        Assert.Equal((2, 0.5, 12.5), SweepReuse.Recorded(request, dir.Path));
        Assert.Null(SweepReuse.Recorded(request with { Settings = request.Settings with { Scale = 30 } }, dir.Path));
        Assert.Null(SweepReuse.Recorded(request with { Settings = request.Settings with { Recursions = 1 } }, dir.Path));
        Assert.Null(SweepReuse.Recorded(request with { Target = "blue" }, dir.Path));
        Assert.Null(SweepReuse.Recorded(request with { Seed = 1 }, dir.Path));
        Assert.Null(SweepReuse.Recorded(request with { Prompt = "a red square" }, dir.Path));
    }
}
