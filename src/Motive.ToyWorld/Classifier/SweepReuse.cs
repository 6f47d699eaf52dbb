using System.Text.Json.Nodes;
using Motive.Methods.ClassifierGuidance;
using Motive.Methods.Editing;

namespace Motive.ToyWorld.Classifier;

/// <summary>
/// A sweep's scale already run (on the embedded model, the only one a sweep runs): its folder's run.json records the same target, prompt, seed, classifier and resolved
/// settings (the request's over the model's preset over the reference, the scale included) as the sweep would run
/// now. Then its pictures can be judged again without sampling them again (a sweep stopped part-way resumes).
/// </summary>
public static class SweepReuse
{
    /// <summary>The recorded run's sample count, classifier target fraction and seconds; null when the folder holds no matching run.</summary>
    public static (int Samples, double ClassifierRate, double Seconds)? Recorded(ClassifierGuidanceRequest request, string dir)
    {
        var path = Path.Combine(dir, "run.json");
        if (!File.Exists(path)) return null;
        JsonNode? run;
        try { run = JsonNode.Parse(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException) { return null; }
        if (run is null) return null;
        var settings = SettingsLayers.ToJson(GuidanceSweep.Resolved(request));
        bool same = JsonNode.DeepEquals(run["settings"], settings)
            && run["target"]?.GetValue<string>() == request.Target && (run["prompt"]?.GetValue<string>() ?? "") == request.Prompt
            && run["seed"]?.GetValue<long>() == request.Seed && run["classifier"]?.GetValue<string>() == request.Classifier;
        if (!same || run[EditJson.ResultKey] is not { } result) return null;
        int n = result["metrics"]?["samples"]?.GetValue<int>() ?? 0;
        if (n < 1 || !Enumerable.Range(0, n).All(k => File.Exists(Path.Combine(dir, ClassifierGuidanceOutputs.SampleFile(k))))) return null;
        return (n, result["metrics"]!["classifier_target_fraction"]!.GetValue<double>(), EditJson.ElapsedSeconds(run) ?? 0);
    }
}
