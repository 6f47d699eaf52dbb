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
/// DDIM steered by energies (Motion Guidance's DDIMSamplerWithGrad.sample, doc §2.3), for any <see cref="IEnergy"/>:
/// per step and recursion, copy the reference latent where the keep mask is set, predict ε̂ with CFG, form x̂₀,
/// decode it if an energy wants the image, take ∇E with respect to the noisy latent through the decoder and the UNet,
/// clip, fold into ε̂, take the DDIM step, and re-noise back to t for the next recursion (the last re-noise is
/// drawn and discarded, as in the reference). Each evaluation runs in its own dispose scope: memory is flat.
/// </summary>
public static class GuidedDdimSampler
{
    public static Tensor Sample(StableDiffusionModel model, DdimSchedule schedule, Conditioning cond, Tensor startLatent,
        IReadOnlyList<GuidanceTerm> terms, GuidedSamplerOptions options, INoiseSource noise, GuidanceTrace trace,
        Action<GuidedEvaluation>? onEvaluation = null, Action<int, int>? onStep = null, CancellationToken cancel = default)
    {
        var dtype = model.SchedulerDType;
        var device = model.Device;
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
                    var (eps, grad, x0, decoded, artifacts) = Evaluate(model, cond, terms, needs, zt, t, i, alpha, schedule.PredictionType, trace, options.ExplicitAttention);
                    var (guided, guidanceNorm) = GuidanceMath.ApplyGradient(eps, grad, alpha, options.ClipGrad);
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

    /// <summary>Steps (2)–(7): ε̂ (CFG), x̂₀, the weighted energies and ∇E with respect to the noisy latent.</summary>
    private static (Tensor Eps, Tensor Grad, Tensor X0, Tensor? Decoded, IReadOnlyDictionary<string, Tensor> Artifacts) Evaluate(
        StableDiffusionModel model, Conditioning cond, IReadOnlyList<GuidanceTerm> terms, EnergyNeeds needs,
        Tensor zt, long t, int step, float alpha, string predictionType, GuidanceTrace trace, bool explicitAttention)
    {
        using var _ = enable_grad();
        var zg = zt.detach().requires_grad_(true);
        var features = new Dictionary<string, Tensor>();
        var probs = new Dictionary<string, Tensor>();
        var hooks = Hooks(needs, features, probs, explicitAttention);
        var output = cond.Predict(model, zg.to(model.DType), t, hooks);
        var (eps, x0) = DdimMath.Predictions(zg, output, alpha, predictionType);
        var decoded = needs.DecodedImage ? model.Vae.Decode((x0 / model.Vae.Config.ScalingFactor).to(model.DType)) : null;
        var inputs = new EnergyInputs(zg, x0, decoded, t, step, features, probs);
        Tensor? total = null;
        var artifacts = new Dictionary<string, Tensor>();
        foreach (var term in terms)
        {
            var value = term.Energy.Evaluate(inputs);
            trace.Add(term.Energy.Name, value.Value);
            foreach (var (name, v) in value.Terms) trace.Add(name, v);
            foreach (var (name, v) in value.Artifacts ?? new Dictionary<string, Tensor>()) artifacts[name] = v;
            var weighted = value.Value * term.WeightAt(step);
            total = total is null ? weighted : total + weighted;
        }
        var grad = total is null ? zeros_like(zg) : autograd.grad([total], [zg])[0];
        return (eps.detach(), grad, x0.detach(), decoded?.detach(), artifacts);
    }

    private static NetworkHooks? Hooks(EnergyNeeds needs, Dictionary<string, Tensor> features, Dictionary<string, Tensor> probs, bool explicitAttention)
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
