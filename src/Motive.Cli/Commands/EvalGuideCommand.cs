using System.CommandLine;
using System.Globalization;
using System.Text;
using Motive.IO.Json;
using Motive.Methods.ClassifierGuidance;
using Motive.Methods.Editing;
using Motive.ToyWorld.Classifier;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive eval guide`: classifier guidance on the toy model over a sweep of scales, each scale's samples judged by the
/// toy world's own colour judge beside the guiding classifier (see <see cref="GuidanceSweep"/>); writes sweep.md,
/// sweep.json, sweep.png and each scale's result folder.
/// </summary>
public static class EvalGuideCommand
{
    /// <summary>The judged target rate the chosen scale must reach.</summary>
    public const double Goal = 0.9;

    public static Command Create()
    {
        var target = new Option<string>("--target") { DefaultValueFactory = _ => "red", Description = "The colour to steer towards." };
        var scales = new Option<string>("--scales") { DefaultValueFactory = _ => "0,1,3,10,30", Description = "Guidance scales, comma-separated." };
        var samples = new Option<int>("--samples") { DefaultValueFactory = _ => 16, Description = "Samples a scale (the same seeds at every scale)." };
        var steps = new Option<int?>("--steps") { Description = "DDIM steps (default: the model's preset)." };
        var prompt = new Option<string>("--prompt") { DefaultValueFactory = _ => "", Description = "The prompt (default empty: the model's unconditional pictures)." };
        var classifier = new Option<string?>("--classifier") { Description = "The classifier (default: the embedded one)." };
        var clip = new Option<double?>("--clip-grad") { Description = "Gradient clipping threshold (default: the model's preset)." };
        var recursions = new Option<int?>("--recursions") { Description = "Recursive denoising repeats per step (default: the model's preset)." };
        var x0Steps = new Option<int?>("--x0-steps") { Description = "Gradient steps on x̂₀ a DDIM step (0 = ∇E folded into ε̂; default: the model's preset)." };
        var reuse = new Option<bool>("--reuse") { Description = "Judge a scale's folder again instead of rerunning it when its run.json records the same request (resumes a stopped sweep)." };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1000L, Description = "Seed of the first sample." };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => Path.Combine("out", "eval-guide"), Description = "Report folder." };
        var cmd = new Command("guide", "Classifier guidance on the toy model over a sweep of scales, judged by the toy world's colour judge and the classifier.")
            { target, scales, samples, steps, prompt, classifier, clip, recursions, x0Steps, reuse, seed, output };
        cmd.SetAction((r, cancel) =>
        {
            var list = r.GetValue(scales)!.Split(',').Select(s => double.TryParse(s.Trim(), CultureInfo.InvariantCulture, out var x) && x >= 0 && double.IsFinite(x)
                ? x : throw new ArgumentException($"--scales: '{s}' is not a number ≥ 0")).ToList();
            var request = new ClassifierGuidanceRequest
            {
                Target = r.GetValue(target)!, Prompt = r.GetValue(prompt)!, Seed = r.GetValue(seed),
                Classifier = r.GetValue(classifier) is { } c ? Path.GetFullPath(c) : null,
                Settings = new ClassifierGuidanceOptions { Steps = r.GetValue(steps), Samples = r.GetValue(samples), ClipGrad = r.GetValue(clip), Recursions = r.GetValue(recursions), X0Steps = r.GetValue(x0Steps) },
            };
            var dir = r.GetValue(output)!;
            using var models = new EditModels();
            var err = r.InvocationConfiguration.Error;
            var points = GuidanceSweep.Run(request, list, dir, models, note: line => err.WriteLine(line), cancel: cancel, reuse: r.GetValue(reuse));
            var md = new StringBuilder();
            var resolved = GuidanceSweep.Resolved(request);   // what every scale ran with
            md.AppendLine($"# Classifier guidance on the toy model: target {request.Target}, prompt \"{request.Prompt}\", {resolved.Samples} samples a scale (seeds {request.Seed}…)");
            md.AppendLine();
            md.AppendLine($"Settings (scale swept): `{SettingsLayers.ToJson(resolved with { Scale = null }).ToJsonString()}`");
            md.AppendLine();
            md.Append(GuidanceSweep.Table(points, request.Target));
            var chosen = points.Where(p => p.JudgeRate >= Goal).OrderBy(p => p.Scale).FirstOrDefault();
            md.AppendLine();
            md.AppendLine(chosen is null
                ? $"No scale reached a judged target rate of {Goal:P0}."
                : $"Chosen scale: {chosen.Scale:0.###} (the smallest whose toy-judged target rate is ≥ {Goal:P0}: {chosen.JudgeRate:P0}; scale 0: {points.FirstOrDefault(p => p.Scale == 0)?.JudgeRate.ToString("P0", CultureInfo.InvariantCulture) ?? "not run"}).");
            File.WriteAllText(Path.Combine(dir, "sweep.md"), md.ToString());
            File.WriteAllText(Path.Combine(dir, "sweep.json"), System.Text.Json.JsonSerializer.Serialize(points, MotiveJson.Options));
            File.WriteAllBytes(Path.Combine(dir, "sweep.png"), GuidanceSweep.Plot(points, request.Target));
            r.InvocationConfiguration.Output.Write(md.ToString());
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }
}
