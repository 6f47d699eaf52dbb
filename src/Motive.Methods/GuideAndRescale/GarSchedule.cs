using Motive.Sampling.Schedules;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// Guide-and-Rescale's own DDIM (diffusion_core/schedulers/sample_schedulers.py): SD's ᾱ, "leading" spacing without
/// the steps offset (980, 960, …, 0 for 50 steps), the inversion step t → t + r taking ᾱ[999] past the end, the
/// denoising step t → t − r taking ᾱ[0] (set_alpha_to_one false) past the start.
/// </summary>
public sealed record GarSchedule(float[] AlphasCumprod, long[] Timesteps)
{
    public static GarSchedule For(DdimSchedule schedule, int steps)
    {
        var leading = (schedule with { StepsOffset = 0, Spacing = TimestepSpacing.Leading }).Timesteps(steps);
        return new GarSchedule(schedule.AlphasCumprod, leading);
    }

    public int Steps => Timesteps.Length;
    private long Ratio => AlphasCumprod.Length / Steps;

    /// <summary>ᾱ at <paramref name="t"/>.</summary>
    public float Alpha(long t) => AlphasCumprod[t];

    /// <summary>ᾱ of the level an inversion step from <paramref name="t"/> lands on.</summary>
    public float AlphaNext(long t) => t + Ratio < AlphasCumprod.Length ? AlphasCumprod[t + Ratio] : AlphasCumprod[^1];

    /// <summary>ᾱ of the level a denoising step from <paramref name="t"/> lands on.</summary>
    public float AlphaPrev(long t) => t - Ratio >= 0 ? AlphasCumprod[t - Ratio] : AlphasCumprod[0];
}
