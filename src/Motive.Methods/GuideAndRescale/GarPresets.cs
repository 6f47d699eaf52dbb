
namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// The four configs the reference ships (configs/*.yaml at 3792aa8), under their names, for the 50-step schedule:
/// ours_nonstyle_best (local edits: CFG 7.5; self-attention 3e5 and appearance 500 on the first 30 steps; rescale
/// [0.33, 3]), ours_style_best (stylisation: self-attention 1e5 and features 2.5 on the first 25 steps; rescale pinned at
/// 1.5), and their _colab variants (9 self-attention layers instead of 16; the reference also checkpoints there).
/// </summary>
public static class GarPresets
{
    public static readonly int[][] ColabLayers = [[2, 6], [0, 1], [0, 4]];

    public static readonly IReadOnlyList<string> Names = ["ours_nonstyle_best", "ours_style_best", "ours_nonstyle_best_colab", "ours_style_best_colab"];

    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="steps">The schedule's steps; the 50-step lists are resampled to it.</param>
    /// <param name="guidedSteps">On how many of the 50 steps the energies act (null: the preset's 30 or 25).</param>
    public static GarConfig Get(string name, int steps = 50, int? guidedSteps = null) => name switch
    {
        "ours_nonstyle_best" => NonStyle(GarConfig.AllLayers, steps, guidedSteps ?? 30),
        "ours_nonstyle_best_colab" => NonStyle(ColabLayers, steps, guidedSteps ?? 30),
        "ours_style_best" => Style(GarConfig.AllLayers, steps, guidedSteps ?? 25),
        "ours_style_best_colab" => Style(ColabLayers, steps, guidedSteps ?? 25),
        _ => throw new ArgumentException($"unknown Guide-and-Rescale preset '{name}'; known: {string.Join(", ", Names)}"),
    };

    private static GarConfig NonStyle(int[][] layers, int steps, int guided) => new(
    [
        new GarGuider(GarGuider.Cfg, Constant(7.5, steps)),
        new GarGuider(GarGuider.Appearance, Constant(1.0, steps), SelfAttentionScales: Resampled(ScaleSchedules.FirstSteps(300000, guided), steps),
            AppearanceScales: Resampled(ScaleSchedules.FirstSteps(500, guided), steps), NewFeatures: true),
    ], layers, "range_other_on_cfg_norm", 0.33, 3.0);

    private static GarConfig Style(int[][] layers, int steps, int guided) => new(
    [
        new GarGuider(GarGuider.Cfg, Constant(7.5, steps)),
        new GarGuider(GarGuider.SelfAttentionL2, Resampled(ScaleSchedules.FirstSteps(100000, guided), steps)),
        new GarGuider(GarGuider.FeaturesL2, Resampled(ScaleSchedules.FirstSteps(2.5, guided), steps), Block: "up"),
    ], layers, "range_other_on_cfg_norm", 1.5, 1.5);

    private static double[] Constant(double g, int steps) => Enumerable.Repeat(g, steps).ToArray();

    /// <summary>A 50-step list on a schedule of <paramref name="steps"/>: s[i] = s50[⌊50·i/steps⌋] (the fixtures' resampling).</summary>
    public static double[] Resampled(double[] fifty, int steps) =>
        steps == fifty.Length ? fifty : Enumerable.Range(0, steps).Select(i => fifty[i * fifty.Length / steps]).ToArray();
}
