using Motive.Models.Loading;
using Motive.Models.Runtime;
using Motive.Sampling.Ddim;
using Motive.Sampling.Pipelines;
using static TorchSharp.torch;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// What one editing step did, as the reference's per-step records: its timestep, each guider's raw energy and scale,
/// Σ scale·energy, the Frobenius norms of the rescaler's inputs (cfg already × its scale; other = ∂E/∂z, 0 when
/// absent) and of ε̂, the factor on ∂E/∂z.
/// </summary>
public sealed record GarStepRecord(long Timestep, IReadOnlyDictionary<string, double> Energies, IReadOnlyDictionary<string, double> Scales,
    double EnergyTotal, double NormUncond, double NormCfg, double NormOther, double OtherScale, bool HasOther, double NormNoisePred);

/// <summary>An edit's outcome: the inversion latents (N+1), the per-step records, the final latent and the picture in [0,1].</summary>
public sealed record GarEditResult(Tensor InversionLatents, IReadOnlyList<GarStepRecord> Steps, Tensor FinalLatent, Tensor Image,
    IReadOnlyList<Tensor> NoisePreds, IReadOnlyList<Tensor> Latents) : IDisposable
{
    public void Dispose()
    {
        InversionLatents.Dispose();
        FinalLatent.Dispose();
        Image.Dispose();
        foreach (var t in NoisePreds.Concat(Latents)) t.Dispose();
    }
}

/// <summary>
/// Guide-and-Rescale's edit (GuidanceEditing.__call__: train + edit + decode): encode the picture, invert it with
/// the source prompt (<see cref="GarInversion"/>), then from the last inversion latent take N guided DDIM steps:
/// step i at t = timesteps[i] guides toward z* = inversion[N − i] (<see cref="GarStep"/>) and steps down with ε̂.
/// </summary>
public static class GarEdit
{
    /// <param name="model">The model; the UNet's weights stay frozen.</param>
    /// <param name="image">(1,3,H,W) in [-1,1], sides multiples of 8.</param>
    /// <param name="uncond">Text states of "".</param>
    /// <param name="source">Text states of the prompt describing the picture.</param>
    /// <param name="target">Text states of the prompt describing the edit.</param>
    /// <param name="config">The guiders (scale lists indexed by step, at least <paramref name="steps"/> long) and the rescaling.</param>
    /// <param name="steps">DDIM steps of both the inversion and the edit.</param>
    /// <param name="keepTensors">Keep ε̂ and the latent of every step (parity).</param>
    /// <param name="report">Progress: (phase, done, total), phases "invert" and "edit".</param>
    /// <param name="cancel">Stops between steps.</param>
    /// <param name="preview">After each edit step: its number and the step's x̂₀ latent (valid during the call).</param>
    public static GarEditResult Run(StableDiffusionModel model, Tensor image, Tensor uncond, Tensor source, Tensor target, GarConfig config, int steps,
        bool keepTensors = false, Action<string, int, int>? report = null, CancellationToken cancel = default, Action<int, Tensor>? preview = null)
    {
        var ddim = Sampling.Schedules.DdimSchedule.From(model.SchedulerConfig);
        if (ddim.PredictionType != "epsilon") throw new ArgumentException($"Guide-and-Rescale needs an ε-prediction model; this one predicts {ddim.PredictionType}");
        var schedule = GarSchedule.For(ddim, steps);
        config.CheckSteps(steps);
        using var z0 = Latents.Encode(model, image);
        var inversion = GarInversion.Run(model.Unet, schedule, z0.to(float32), source.to(model.Device), (d, n) => report?.Invoke("invert", d, n), cancel);
        var records = new List<GarStepRecord>();
        var preds = new List<Tensor>();
        var latents = new List<Tensor>();
        var z = inversion[steps].clone();
        try
        {
            using var quiet = QuietGc.Loop();
            for (int i = 0; i < steps; i++)
            {
                cancel.ThrowIfCancellationRequested();
                QuietGc.Step();
                using var scope = NewDisposeScope();
                long t = schedule.Timesteps[i];
                using var r = GarStep.Run(model.Unet, z, inversion[steps - i], t, uncond, source, target, config, i);
                records.Add(Record(t, r, config, i));
                var (prev, x0) = DdimMath.Step(z, r.NoisePred, schedule.Alpha(t), schedule.AlphaPrev(t), 0);
                var next = prev.MoveToOuterDisposeScope();
                if (keepTensors)
                {
                    preds.Add(r.NoisePred.clone().MoveToOuterDisposeScope());
                    latents.Add(next.clone().MoveToOuterDisposeScope());
                }
                z.Dispose();
                z = next;
                report?.Invoke("edit", i + 1, steps);
                preview?.Invoke(i + 1, x0);
            }
            var picture = Latents.Decode(model, z);
            return new GarEditResult(inversion, records, z, picture, preds, latents);
        }
        catch
        {
            z.Dispose();
            inversion.Dispose();
            foreach (var t in preds.Concat(latents)) t.Dispose();
            throw;
        }
    }

    private static GarStepRecord Record(long t, GarStepResult r, GarConfig config, int step)
    {
        static double Norm(Tensor x) => x.to(float64).norm().item<double>();
        var scales = config.Guiders.ToDictionary(g => g.Name, g => g.Scales[step]);
        return new GarStepRecord(t, r.Energies, scales, r.EnergyTotal, Norm(r.Uncond), Norm(r.Cfg), r.Other is null ? 0 : Norm(r.Other),
            r.OtherScale, r.Other is not null, Norm(r.NoisePred));
    }
}
