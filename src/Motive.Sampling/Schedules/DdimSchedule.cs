using Motive.IO;
using Motive.Models.Blocks;
using static TorchSharp.torch;

namespace Motive.Sampling.Schedules;

/// <summary>How inference timesteps are picked from the training ones.</summary>
public enum TimestepSpacing
{
    /// <summary>diffusers "leading": (0, r, 2r, …)·reversed + steps_offset, r = N / steps.</summary>
    Leading,
    /// <summary>diffusers "trailing": round(N, N−r, …) − 1.</summary>
    Trailing,
    /// <summary>LDM/Motion Guidance "uniform": range(0, N, N // steps) + 1, noisiest first.</summary>
    Uniform,
}

/// <summary>
/// The DDIM noise schedule of a scheduler_config.json (diffusers' DDIMScheduler): ᾱ_t for every training step
/// (float32, computed as diffusers does), and the inference timesteps, noisiest first.
/// </summary>
public sealed record DdimSchedule(int TrainSteps, float[] AlphasCumprod, float FinalAlphaCumprod, long StepsOffset,
    TimestepSpacing Spacing, string PredictionType)
{
    public static DdimSchedule From(JsonConfig c)
    {
        int n = (int)c.Long("num_train_timesteps", 1000);
        double b0 = c.Double("beta_start", 0.00085), b1 = c.Double("beta_end", 0.012);
        var kind = c.String("beta_schedule", "scaled_linear");
        using var betas = kind switch
        {
            "scaled_linear" => linspace(Math.Sqrt(b0), Math.Sqrt(b1), n, dtype: float32).square(),
            "linear" => linspace(b0, b1, n, dtype: float32),
            _ => throw new MotiveFormatException(c.Path, $"beta_schedule '{kind}' is not supported"),
        };
        using var alphas = 1.0f - betas;
        using var cum = alphas.cumprod(0);
        var ac = cum.data<float>().ToArray();
        var spacing = c.String("timestep_spacing", "leading") switch
        {
            "leading" => TimestepSpacing.Leading,
            "trailing" => TimestepSpacing.Trailing,
            var s => throw new MotiveFormatException(c.Path, $"timestep_spacing '{s}' is not supported"),
        };
        var prediction = c.String("prediction_type", "epsilon");
        if (prediction is not ("epsilon" or "v_prediction")) throw new MotiveFormatException(c.Path, $"prediction_type '{prediction}' is not supported");
        return new DdimSchedule(n, ac, c.Bool("set_alpha_to_one", false) ? 1f : ac[0], c.Long("steps_offset", 1), spacing, prediction);
    }

    /// <summary>The SD 1.x schedule (the defaults of every field).</summary>
    public static DdimSchedule StableDiffusion => From(JsonConfig.Parse("{}"));

    public DdimSchedule WithSpacing(TimestepSpacing spacing) => this with { Spacing = spacing };

    /// <summary>Inference timesteps, noisiest first.</summary>
    public long[] Timesteps(int steps)
    {
        if (steps < 1 || steps > TrainSteps) throw new ArgumentException($"steps must be between 1 and {TrainSteps}, got {steps}");
        switch (Spacing)
        {
            case TimestepSpacing.Leading:
            {
                long ratio = TrainSteps / steps;
                return Enumerable.Range(0, steps).Select(i => i * ratio + StepsOffset).Reverse().ToArray();
            }
            case TimestepSpacing.Trailing:
            {
                double ratio = (double)TrainSteps / steps;
                return Enumerable.Range(0, steps).Select(i => (long)Math.Round(TrainSteps - i * ratio) - 1).ToArray();
            }
            default:
            {
                int c = TrainSteps / steps;
                return Enumerable.Range(0, TrainSteps / c).Select(i => (long)(i * c + 1)).Reverse().ToArray();
            }
        }
    }

    /// <summary>ᾱ at <paramref name="t"/>; t &lt; 0 means "after the last step" (the final ᾱ).</summary>
    public float Alpha(long t) => t >= 0 ? AlphasCumprod[t] : FinalAlphaCumprod;

    /// <summary>The timestep after <c>timesteps[index]</c> in the sampling order (−1 after the last).</summary>
    public static long Previous(long[] timesteps, int index) => index + 1 < timesteps.Length ? timesteps[index + 1] : -1;
}
