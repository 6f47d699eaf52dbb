using Motive.Methods.MotionGuidance;

namespace Motive.ToyWorld;

/// <summary>
/// What `motive demo` and `motive eval toy` let a user change about the toy edits, in the toy world's words (each
/// null is left to the toy model's preset, its motive.json), and which toy models to use (null = the embedded ones).
/// The front ends map their options to this record; the toy world alone knows which method's settings it becomes.
/// </summary>
public sealed record ToyOverrides(
    int? Steps = null, int? Recursions = null, double? GuidanceWeight = null, double? Cfg = null, bool OracleFlow = false,
    int? MaskMargin = null, double? ClipGrad = null, string? Model = null, string? Raft = null)
{
    /// <summary>The Motion Guidance settings given; the rest stay null for the preset to fill.</summary>
    public MotionGuidanceOptions Settings => new()
    {
        Steps = Steps, Recursions = Recursions, GuidanceWeight = GuidanceWeight, Cfg = Cfg,
        OracleFlow = OracleFlow ? true : null, MaskMargin = MaskMargin, ClipGrad = ClipGrad,
    };

    /// <summary>The settings over the model's preset, checked (bad settings are refused before anything is loaded).</summary>
    public MotionGuidanceOptions Resolved()
    {
        var settings = Settings.Over(new MotionGuidanceMethod().Defaults(Model));
        settings.ToSettings(name => name);
        return settings;
    }
}
