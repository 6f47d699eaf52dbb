using Motive.Guidance.Sampler;
using Motive.IO.Images;
using Motive.Methods.Editing;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>
/// What a classifier-guided run leaves: result.png (the contact sheet, sample 0 first), sample_NN.png (each
/// picture), metrics (the share of samples the classifier names as the target, its mean probability of the target)
/// and run.json's record (each sample's seed, predicted class and target probability; the energy and the guidance's size per evaluation).
/// </summary>
public static class ClassifierGuidanceOutputs
{
    /// <summary>Where sample k lies in the result folder.</summary>
    public static string SampleFile(int k) => $"sample_{k:00}.png";

    public static EditResult Build(ClassifierGuidancePlan plan, IReadOnlyList<GuidedSample> samples, GuidanceTrace trace)
    {
        var pictures = samples.Select(s => ImageTensors.FromTensor01(s.Image)).ToList();
        var classes = plan.Classifier.Classes;
        var predicted = samples.Select(s => classes[Array.IndexOf(s.Probabilities, s.Probabilities.Max())]).ToArray();
        var target = classes[plan.Target];
        double fraction = predicted.Count(p => p == target) / (double)samples.Count;
        double meanP = samples.Average(s => s.Probabilities[plan.Target]);
        return new EditResult
        {
            Image = ContactSheet.Of(pictures),
            Pictures = pictures.Select((p, k) => (SampleFile(k), p)).ToList(),
            Metrics = new Dictionary<string, object?>
            {
                ["target"] = target, ["attribute"] = plan.Classifier.Attribute, ["samples"] = samples.Count,
                ["classifier_target_fraction"] = fraction, ["classifier_target_probability"] = meanP, ["guided_evaluations"] = trace.Evaluations.Count,
            },
            Record = new Dictionary<string, object?>
            {
                ["size"] = $"{plan.Size}x{plan.Size}",
                ["per_sample"] = samples.Select((s, k) => new Dictionary<string, object?>
                {
                    ["file"] = SampleFile(k), ["seed"] = plan.Request.Seed + k, ["predicted"] = predicted[k], ["target_probability"] = s.Probabilities[plan.Target],
                }).ToArray(),
                ["classifier_energy"] = trace.Names.Contains("classifier") ? trace.Series("classifier") : null,
                ["guidance_norm"] = trace.Names.Contains("guidance_norm") ? trace.Series("guidance_norm") : null,
            },
            Work = $"{samples.Count} samples, {trace.Evaluations.Count} guided evaluations",
            Headline = $"the classifier names {predicted.Count(p => p == target)} of {samples.Count} samples {target} (mean p = {meanP:0.00})",
        };
    }
}
