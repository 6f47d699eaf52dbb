using Motive.Guidance.Energies;
using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Sampling.Ddim;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Guidance.Sampler;

/// <summary>One guided evaluation, for logging: tensors live until the callback returns. Decoded: the decoded x̂₀ in [-1,1] when an energy asked for it.</summary>
public sealed record GuidedEvaluation(int Step, int Recursion, long Timestep, Tensor NoisyLatent, Tensor PredictedX0, Tensor? Decoded,
    IReadOnlyDictionary<string, Tensor> Artifacts);

/// <summary>
/// DDIM steered by energies (Motion Guidance's DDIMSamplerWithGrad.sample, doc §2.3), for any <see cref="IDenoiser"/>,
/// <see cref="IEnergy"/> and <see cref="IGuidanceRule"/>: per step and recursion, copy the reference latent where the
/// keep mask is set, predict both branches, let the rule combine them, form x̂₀, decode it if an energy wants the
/// image, take ∇E with respect to the noisy latent through the decoder and the denoiser, let the rule fold it into ε̂,
/// take the DDIM step, and re-noise back to t for the next recursion (the last re-noise is drawn and discarded, as in
/// the reference). Each evaluation runs in its own dispose scope: memory is flat.
/// </summary>
public static class GuidedDdimSampler
{
    public static Tensor Sample(IDenoiser denoiser, IGuidanceRule rule, DdimSchedule schedule, Tensor startLatent,
        IReadOnlyList<GuidanceTerm> terms, GuidedSamplerOptions options, INoiseSource noise, GuidanceTrace trace,
        Action<GuidedEvaluation>? onEvaluation = null, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        var dtype = denoiser.SchedulerDType;
        var device = denoiser.Device;
        var steps = options.Timesteps;
        var keep = options.KeepMask?.to(ScalarType.Bool, device);
        var needs = Combine(terms.Select(term => term.Energy.Needs));
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
                    var (step, x0, decoded, artifacts) = options.LeanMemory
                        ? LeanGradient.Evaluate(denoiser, rule, terms, needs, zt, t, i, alpha, trace, options.ExplicitAttention)
                        : Evaluate(denoiser, rule, terms, needs, zt, t, i, alpha, trace, options.ExplicitAttention);
                    var (guided, guidanceNorm) = rule.Apply(step);
                    trace.Add("guidance_norm", guidanceNorm);
                    trace.Add("noise_norm", guided.norm());
                    onEvaluation?.Invoke(new GuidedEvaluation(i, j, t, zt, x0, decoded, artifacts));
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
        IDenoiser denoiser, IGuidanceRule rule, IReadOnlyList<GuidanceTerm> terms, EnergyNeeds needs,
        Tensor zt, long t, int step, float alpha, GuidanceTrace trace, bool explicitAttention)
    {
        using var _ = enable_grad();
        var zg = zt.detach().requires_grad_(true);
        var features = new Dictionary<string, Tensor>();
        var probs = new Dictionary<string, Tensor>();
        var hooks = Hooks(needs, features, probs, explicitAttention);
        var output = denoiser.Predict(zg, t, hooks);
        var (eps, x0) = DdimMath.Predictions(zg, rule.Combine(output), alpha, denoiser.PredictionType);
        var decoded = needs.DecodedImage ? denoiser.Decode(x0) : null;
        var artifacts = new Dictionary<string, Tensor>();
        var weighted = Energies(terms, new EnergyInputs(zg, x0, decoded, t, step, features, probs), step, trace, artifacts);
        Tensor grad;
        List<Tensor>? termGrads = null;
        if (weighted.Count == 0) grad = zeros_like(zg);
        else if (!rule.SeparateTermGradients) grad = autograd.grad([weighted.Aggregate((a, b) => a + b)], [zg])[0];
        else
        {
            termGrads = weighted.Select((w, k) => autograd.grad([w], [zg], retain_graph: k < weighted.Count - 1)[0]).ToList();
            grad = termGrads.Aggregate((a, b) => a + b);
        }
        var (epsU, epsC) = Branches(output, zg, alpha, denoiser.PredictionType);
        var guidance = new GuidanceStep(epsU, epsC, eps.detach(), grad, termGrads, alpha, step, t);
        return (guidance, x0.detach(), decoded?.detach(), artifacts);
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

    /// <summary>The branches as ε (v-prediction models' converted), detached.</summary>
    internal static (Tensor? Uncond, Tensor Cond) Branches(DenoiserOutput o, Tensor z, float alpha, string predictionType)
    {
        Tensor Eps(Tensor b) => predictionType == "epsilon" ? b.detach() : DdimMath.Predictions(z.detach(), b.detach(), alpha, predictionType).Eps;
        return (o.Uncond is { } u ? Eps(u) : null, Eps(o.Cond));
    }

    internal static NetworkHooks? Hooks(EnergyNeeds needs, Dictionary<string, Tensor> features, Dictionary<string, Tensor> probs, bool explicitAttention)
    {
        var wantFeatures = needs.Features is { Count: > 0 } f ? f.ToHashSet() : null;
        var wantProbs = needs.AttentionProbs is { Count: > 0 } p ? p.ToHashSet() : null;
        if (wantFeatures is null && wantProbs is null && !explicitAttention) return null;
        return new NetworkHooks
        {
            ExplicitAttention = explicitAttention || wantProbs is not null,
            CaptureProbs = wantProbs is null ? null : wantProbs.Contains,
            OnAttentionProbs = wantProbs is null ? null : (path, value) => probs[path] = value,
            OnFeature = wantFeatures is null ? null : (path, value) => { if (wantFeatures.Contains(path)) features[path] = value; return value; },
        };
    }

    private static EnergyNeeds Combine(IEnumerable<EnergyNeeds> all)
    {
        var list = all.ToList();
        return new EnergyNeeds(
            list.Any(n => n.DecodedImage),
            list.SelectMany(n => n.Features ?? []).Distinct().ToList(),
            list.SelectMany(n => n.AttentionProbs ?? []).Distinct().ToList());
    }
}
