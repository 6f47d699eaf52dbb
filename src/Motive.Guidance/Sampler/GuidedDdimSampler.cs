using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Sampling.Ddim;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>
/// One guided evaluation, for logging: tensors live until the callback returns. Decoded: the decoded x̂₀ in [-1,1] when
/// an energy asked for it; EnergyGrad: ∇E with respect to the noisy latent, before the rule weighs it.
/// </summary>
public sealed record GuidedEvaluation(int Step, int Recursion, long Timestep, Tensor NoisyLatent, Tensor PredictedX0, Tensor? Decoded,
    Tensor EnergyGrad, IReadOnlyDictionary<string, Tensor> Artifacts);

/// <summary>
/// DDIM steered by energies (Motion Guidance's DDIMSamplerWithGrad.sample, doc §2.3), for any <see cref="IDenoiser"/>
/// and <see cref="IEnergy"/> terms: per step and recursion, copy the reference latent where the keep mask is set,
/// predict both branches, let the <see cref="GuidanceRule"/> combine them, form x̂₀, decode it if an energy wants the
/// picture, take ∇E with respect to the noisy latent through the decoder and the denoiser, let the rule fold it into ε̂,
/// take the DDIM step, and re-noise back to t for the next recursion (the last re-noise is drawn and discarded, as in
/// the reference). With <see cref="GuidedSamplerOptions.X0Steps"/> &gt; 0 the energies instead refine x̂₀ and the step
/// starts from it (<see cref="X0Guidance"/>). Each evaluation runs in its own dispose scope: memory is flat.
/// </summary>
public static class GuidedDdimSampler
{
    public static Tensor Sample(IDenoiser denoiser, GuidanceRule rule, DdimSchedule schedule, Tensor startLatent,
        IReadOnlyList<GuidanceTerm> terms, GuidedSamplerOptions options, INoiseSource noise, GuidanceTrace trace,
        Action<GuidedEvaluation>? onEvaluation = null, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        var dtype = denoiser.SchedulerDType;
        var device = denoiser.Device;
        var steps = options.Timesteps;
        var keep = options.KeepMask?.to(ScalarType.Bool, device);
        bool decode = terms.Any(term => term.Energy.NeedsDecodedImage);
        if (options.X0Steps > 0 && options.Eta > 0) throw new ArgumentException("guidance on x̂₀ steps with η = 0 only");
        var z = startLatent.to(dtype, device).clone().DetachFromDisposeScope();
        using var quiet = Motive.Models.Runtime.QuietGc.Loop();   // leaves the no-GC region of the last step, however the loop ends
        try
        {
            for (int i = 0; i < steps.Length; i++)
            {
                long t = steps[i];
                float alpha = schedule.Alpha(t), alphaPrev = schedule.Alpha(DdimSchedule.Previous(steps, i));
                for (int j = 0; j < options.Recursions; j++)
                {
                    cancel.ThrowIfCancellationRequested();
                    Motive.Models.Runtime.QuietGc.Step();   // implicit Scalars stay alive through the step (see QuietGc)
                    using var scope = NewDisposeScope();
                    trace.Begin(i, j, t);
                    var zt = keep is null ? z : GuidanceMath.KeepOutsideEdit(z, Reference(options, i, alpha, noise, z), keep);
                    if (options.X0Steps > 0)
                    {
                        var (eps, x0r, refined, shown, found) = X0Guidance.Evaluate(denoiser, rule, terms, decode, zt, t, i, alpha, options.X0Steps, trace, options.ExplicitAttention);
                        var change = refined - x0r;
                        trace.Add("guidance_norm", change.norm());
                        trace.Add("noise_norm", eps.norm());
                        onEvaluation?.Invoke(new GuidedEvaluation(i, j, t, zt, x0r, shown, -change, found));
                        var prevX0 = X0Guidance.Previous(refined, eps, alphaPrev);
                        var renoisedX0 = GuidanceMath.Renoise(prevX0, alpha, alphaPrev, noise.Next(z.shape, dtype, device));
                        var nextX0 = (j == options.Recursions - 1 ? prevX0 : renoisedX0).DetachFromDisposeScope();
                        z.Dispose();
                        z = nextX0;
                        continue;
                    }
                    var (step, x0, decoded, artifacts) = options.LeanMemory
                        ? LeanGradient.Evaluate(denoiser, rule, terms, decode, zt, t, i, alpha, trace, options.ExplicitAttention)
                        : Evaluate(denoiser, rule, terms, decode, zt, t, i, alpha, trace, options.ExplicitAttention);
                    var (guided, guidanceNorm) = rule.Apply(step);
                    trace.Add("guidance_norm", guidanceNorm);
                    trace.Add("noise_norm", guided.norm());
                    onEvaluation?.Invoke(new GuidedEvaluation(i, j, t, zt, x0, decoded, step.EnergyGrad, artifacts));
                    var sigmaNoise = options.Eta > 0 ? noise.Next(z.shape, dtype, device) : null;
                    var (prev, _) = DdimMath.Step(zt, guided, alpha, alphaPrev, options.Eta, "epsilon", sigmaNoise);
                    var renoised = GuidanceMath.Renoise(prev, alpha, alphaPrev, noise.Next(z.shape, dtype, device));
                    var next = (j == options.Recursions - 1 ? prev : renoised).DetachFromDisposeScope();
                    z.Dispose();
                    z = next;
                }
                trace.EndStep();
                onStep?.Invoke(i + 1, steps.Length);
            }
            return z;
        }
        catch
        {
            z.Dispose();
            throw;
        }
        finally
        {
            keep?.Dispose();
        }
    }

    /// <summary>The latent to copy where the keep mask is set: the cached trajectory's, or the source re-noised afresh.</summary>
    private static Tensor Reference(GuidedSamplerOptions o, int step, float alpha, INoiseSource noise, Tensor z)
    {
        if (o.ReferenceLatents is { } cached) return cached[step].to(z.dtype, z.device);
        var source = o.SourceLatent ?? throw new ArgumentException("a keep mask needs reference latents or the source latent");
        return source.to(z.dtype, z.device) * MathF.Sqrt(alpha) + noise.Next(z.shape, z.dtype, z.device) * MathF.Sqrt(1 - alpha);
    }

    /// <summary>Steps (2)–(7): both branches, ε̂ (the rule's mix), x̂₀, the weighted energies and ∇E with respect to the noisy latent.</summary>
    private static (GuidanceStep Step, Tensor X0, Tensor? Decoded, IReadOnlyDictionary<string, Tensor> Artifacts) Evaluate(
        IDenoiser denoiser, GuidanceRule rule, IReadOnlyList<GuidanceTerm> terms, bool decode,
        Tensor zt, long t, int step, float alpha, GuidanceTrace trace, bool explicitAttention)
    {
        using var _ = enable_grad();
        var zg = zt.detach().requires_grad_(true);
        var hooks = explicitAttention ? new NetworkHooks { ExplicitAttention = true } : null;
        var output = denoiser.Predict(zg, t, hooks);
        var (eps, x0) = DdimMath.Predictions(zg, rule.Combine(output), alpha, denoiser.PredictionType);
        var decoded = decode ? denoiser.Decode(x0) : null;
        var artifacts = new Dictionary<string, Tensor>();
        var weighted = Energies(terms, new EnergyInputs(zg, x0, decoded, t, step), step, trace, artifacts);
        var grad = weighted.Count == 0 ? zeros_like(zg) : autograd.grad([weighted.Aggregate((a, b) => a + b)], [zg])[0];
        return (new GuidanceStep(eps.detach(), grad, alpha, step, t), x0.detach(), decoded?.detach(), artifacts);
    }

    /// <summary>Each term's energy times its weight at this step; values and terms go to the trace, artifacts to <paramref name="artifacts"/>.</summary>
    internal static List<Tensor> Energies(IReadOnlyList<GuidanceTerm> terms, EnergyInputs inputs, int step, GuidanceTrace trace, Dictionary<string, Tensor> artifacts)
    {
        var weighted = new List<Tensor>();
        foreach (var term in terms)
        {
            var value = term.Energy.Evaluate(inputs);
            trace.Add(term.Energy.Name, value.Value);
            foreach (var (name, v) in value.Terms) trace.Add(name, v);
            foreach (var (name, v) in value.Artifacts ?? new Dictionary<string, Tensor>()) artifacts[name] = v;
            weighted.Add(value.Value * term.WeightAt(step));
        }
        return weighted;
    }
}
