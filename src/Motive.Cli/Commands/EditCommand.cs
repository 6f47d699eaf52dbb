using System.CommandLine;
using Motive.Methods.Editing;
using Motive.Methods.GuideAndRescale;

namespace Motive.Cli.Commands;

/// <summary>`motive edit`: its options as a Guide-and-Rescale request, run through the editing seam (<see cref="EditRunner"/>).</summary>
public static class EditCommand
{
    private static readonly GarOptions Embedded = GarMethod.Defaults(null);

    public static Command Create()
    {
        var models = new ModelOptions();
        var image = new Option<string>("--image") { Description = "The picture to edit.", Required = true };
        var source = new Option<string>("--source-prompt") { Description = "What the picture shows, e.g. \"a photo of a cat\" (the inversion and the guidance read it).", Required = true };
        var target = new Option<string>("--target-prompt") { Description = "What the edit should show, e.g. \"a photo of a tiger\".", Required = true };
        var preset = new Option<string?>("--preset") { Description = $"The reference's config: {string.Join(", ", GarPresets.Names)}. Default: {Default(o => o.Preset)}." };
        var steps = new Option<int?>("--steps") { Description = $"DDIM steps of the inversion and the edit. Default: {Default(o => o.Steps)}." };
        var width = new Option<int?>("--width") { Description = "Run width (height by the aspect, both to multiples of 8; the result is resized back). Default: the model's native size." };
        var cfg = new Option<double?>("--cfg") { Description = "Classifier-free guidance toward the target prompt. Default: the preset's 7.5." };
        var selfAttention = new Option<double?>("--self-attention") { Description = "Weight of the self-attention map energy. Default: the preset's (3e5 nonstyle, 1e5 style)." };
        var appearance = new Option<double?>("--appearance") { Description = "Weight of the appearance energy (nonstyle presets). Default: 500." };
        var features = new Option<double?>("--features") { Description = "Weight of the features energy (style presets). Default: 2.5." };
        var guided = new Option<int?>("--guided-steps") { Description = "On how many of the first steps the energies act, counted on 50. Default: the preset's (30 nonstyle, 25 style)." };
        var lower = new Option<double?>("--rescale-lower") { Description = "Least ‖guidance‖/‖cfg term‖ the rescaling allows. Default: the preset's (0.33 nonstyle, 1.5 style)." };
        var upper = new Option<double?>("--rescale-upper") { Description = "Most ‖guidance‖/‖cfg term‖ the rescaling allows. Default: the preset's (3 nonstyle, 1.5 style)." };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0L, Description = "Seed of the run (recorded; the edit draws nothing at random)." };
        var output = new Option<string>("--out") { Description = "Output folder (written whole at the end).", Required = true };
        var cmd = new Command("edit", "Edit a picture by text (Guide-and-Rescale: inversion with the source prompt, CFG toward the target, self-guidance that keeps the layout, noise rescaling).")
            { image, source, target, preset, steps, width, cfg, selfAttention, appearance, features, guided, lower, upper, seed, output };
        models.AddTo(cmd);
        var maxMemory = EditRunner.MaxMemoryOption();
        cmd.Add(maxMemory);
        cmd.SetAction((r, cancel) =>
        {
            var request = new GarRequest
            {
                Model = models.Ref(r),
                Image = Path.GetFullPath(r.GetValue(image)!), SourcePrompt = r.GetValue(source), TargetPrompt = r.GetValue(target), Seed = r.GetValue(seed),
                Settings = new GarOptions
                {
                    Preset = r.GetValue(preset), Steps = r.GetValue(steps), Width = r.GetValue(width), Cfg = r.GetValue(cfg), SelfAttention = r.GetValue(selfAttention),
                    Appearance = r.GetValue(appearance), Features = r.GetValue(features), GuidedSteps = r.GetValue(guided),
                    RescaleLower = r.GetValue(lower), RescaleUpper = r.GetValue(upper),
                },
            };
            return Task.FromResult(EditRunner.Run(request, new FileInputs(), r.GetValue(output)!, r.GetValue(models.Device)!, EditRunner.MaxMemoryMiB(r, maxMemory), r.InvocationConfiguration, cancel));
        });
        return cmd;
    }

    private static string Default(Func<GarOptions, object?> pick)
    {
        string embedded = Convert.ToString(pick(Embedded), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        string reference = Convert.ToString(pick(GarOptions.Reference), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return embedded == reference ? reference : $"the model's preset ({embedded} for the embedded model), else the reference's {reference}";
    }
}
