namespace Motive.Methods.WarpInpaint;

/// <summary>
/// The settings of a request as JSON, each optional: what a request leaves out comes from the model's preset
/// (motive.json), then from <see cref="Reference"/>. A resolved request has all of them, so its run.json replays the run.
/// </summary>
public sealed record WarpInpaintOptions
{
    public int? Steps { get; init; }
    public double? Cfg { get; init; }
    /// <summary>RePaint's resampling: how many times a step is redone after jumping back to its noisier level (0 = once, plain masked DDIM).</summary>
    public int? Resamplings { get; init; }
    /// <summary>Pixels the warp's holes are grown by before they are reduced to latent cells.</summary>
    public int? HoleDilation { get; init; }
    /// <summary>Put the warp's own pixels back outside the grown holes (true), or keep the decoded latent everywhere (false).</summary>
    public bool? PasteBack { get; init; }

    /// <summary>
    /// No single reference fixes these: Stable Diffusion's usual 50 DDIM steps at CFG 7.5, no resampling (a preview
    /// should cost one sampling pass; RePaint's own setting is 10), holes grown by 2 px (nearest-pixel splatting leaves
    /// edges a pixel or so off), the warp's pixels pasted back outside them (the fast drag methods composite so too). The embedded model's preset is in models/toy/motive.json.
    /// </summary>
    public static WarpInpaintOptions Reference { get; } = new() { Steps = 50, Cfg = 7.5, Resamplings = 0, HoleDilation = 2, PasteBack = true };

    public const int MaxResamplings = 20, MaxDilation = 64;

    /// <summary>Checks a resolved set (every value present) and turns it into the run's settings.</summary>
    public WarpInpaintSettings ToSettings()
    {
        int steps = Steps!.Value, resamplings = Resamplings!.Value, dilation = HoleDilation!.Value;
        double cfg = Cfg!.Value;
        if (steps is < 1 or > 1000) throw new ArgumentException($"steps must be between 1 and 1000, got {steps}");
        if (!double.IsFinite(cfg) || cfg < 0) throw new ArgumentException($"cfg must be a finite number ≥ 0, got {cfg}");
        if (resamplings is < 0 or > MaxResamplings) throw new ArgumentException($"resamplings must be between 0 and {MaxResamplings}, got {resamplings}");
        if (dilation is < 0 or > MaxDilation) throw new ArgumentException($"hole_dilation must be between 0 and {MaxDilation} px, got {dilation}");
        return new WarpInpaintSettings(steps, cfg, resamplings, dilation, PasteBack ?? true);
    }
}

/// <summary>A resolved, checked set of settings.</summary>
public sealed record WarpInpaintSettings(int Steps, double Cfg, int Resamplings, int HoleDilation, bool PasteBack)
{
    /// <summary>UNet evaluations of a run (each a batch of two with CFG above 1).</summary>
    public int Evaluations => Steps * (Resamplings + 1);
}
