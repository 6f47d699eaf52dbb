using Motive.IO.Images;
using Motive.Methods.Editing;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// What a Guide-and-Rescale edit leaves: result.png, summary.png (source | result), energy.png (each guider's
/// weighted energy per step), norms.png (the noise terms' norms per step: ε_u, the CFG term, the guiders' gradient
/// before and after rescaling), metrics and run.json's record with every step's numbers.
/// </summary>
public static class GarOutputs
{
    public static EditResult Build(GarPlan plan, RgbImage source, RgbImage result, GarEditResult edit)
    {
        var steps = edit.Steps;
        var guiders = plan.Config.Guiders.Where(g => !g.ClosedForm).Select(g => g.Name).ToList();
        var energy = guiders.Select(g => (g, (IReadOnlyList<double>)steps.Select(s => s.Energies.GetValueOrDefault(g) * s.Scales.GetValueOrDefault(g)).ToList())).ToList();
        IReadOnlyList<double> Of(Func<GarStepRecord, double> pick) => steps.Select(pick).ToList();
        var files = new List<(string, byte[])>
        {
            ("norms.png", LinePlot.Png([("ε_u", Of(s => s.NormUncond)), ("cfg term", Of(s => s.NormCfg)), ("∂E/∂z", Of(s => s.NormOther)),
                ("∂E/∂z rescaled", Of(s => s.NormOther * s.OtherScale))], "Guide-and-Rescale: noise terms per step", "step", "Frobenius norm", logY: true)),
        };
        if (guiders.Count > 0)
            files.Add(("energy.png", LinePlot.Png(energy, "Guide-and-Rescale: weighted energy per step", "step", "scale · energy", logY: true)));
        int guided = steps.Count(s => s.HasOther);
        return new EditResult
        {
            Image = result,
            Summary = ImageStrip.Join([source, result]),
            SummaryPanels = "source | result",
            Work = $"{steps.Count} inversion steps, {steps.Count} edit steps ({guided} guided)",
            Headline = $"\"{plan.Request.SourcePrompt}\" → \"{plan.Request.TargetPrompt}\" with {plan.Request.Settings.Preset}: {guided} of {steps.Count} steps guided",
            Metrics = new Dictionary<string, object?>
            {
                ["preset"] = plan.Request.Settings.Preset, ["steps"] = steps.Count, ["guided_steps"] = guided,
                ["other_scale_mean"] = guided > 0 ? Math.Round(steps.Where(s => s.HasOther).Average(s => s.OtherScale), 4) : null,
            },
            Record = new Dictionary<string, object?>
            {
                ["size"] = new Dictionary<string, object?> { ["input"] = $"{plan.InputSize.Width}x{plan.InputSize.Height}", ["run"] = $"{plan.RunSize.Width}x{plan.RunSize.Height}" },
                ["steps"] = steps.Select(s => new Dictionary<string, object?>
                {
                    ["t"] = s.Timestep, ["energies"] = s.Energies, ["scales"] = s.Scales, ["energy_total"] = s.EnergyTotal,
                    ["norm_uncond"] = s.NormUncond, ["norm_cfg"] = s.NormCfg, ["norm_other"] = s.NormOther, ["other_scale"] = s.OtherScale,
                    ["has_other"] = s.HasOther, ["norm_noise_pred"] = s.NormNoisePred,
                }).ToList(),
            },
            Files = files,
        };
    }
}
