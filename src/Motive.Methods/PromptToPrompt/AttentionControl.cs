using Motive.Models.Blocks;
using static TorchSharp.torch;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// Prompt-to-Prompt's controller (AttentionStore + AttentionControlEdit, doc §2a–2c) over a batch of B prompts sampled
/// with classifier-free guidance (UNet batch [uncond × B, cond × B]). In the conditional half only, and for items ≥ 1
/// only: every cross-attention is made from the source's by the edit and blended in by the per-step token weights
/// <c>crossAlpha</c> [N+1, B−1, 1, 1, 77]; inside the self-replace steps, self-attention maps with at most
/// <c>selfMaxQueries</c> positions are the source's. Item 0 is never touched, so it reproduces the source's own run.
/// The conditional cross-attention maps of at most 32² positions (or <c>storeMaxQueries</c>) are summed over the steps so far, edited ones for
/// items ≥ 1 (the reference stores views it then writes into); LocalBlend and the attention-map picture read them.
/// </summary>
/// <remarks>
/// Steps are counted by the caller (<see cref="EndStep"/>), not by counting attention calls as the reference does: the
/// result is the same, and a skipped call cannot shift every later step. Self-attention maps are not stored: nothing
/// reads them.
/// </remarks>
public sealed class AttentionControl(int prompts, ICrossAttentionEdit? cross, Tensor? crossAlpha, (int Start, int End) selfSteps,
    long selfMaxQueries, LocalBlend? blend = null, long storeMaxQueries = AttentionControl.StoreMaxQueries) : IDisposable
{
    /// <summary>AttentionStore keeps maps with at most this many positions.</summary>
    public const long StoreMaxQueries = 32 * 32;

    /// <summary>predict.py replaces self-attention maps of at most 16² positions, the null-text notebook 32².</summary>
    public const long PredictSelfMaxQueries = 16 * 16, NotebookSelfMaxQueries = 32 * 32;

    private readonly List<(AttentionSite Site, Tensor Map)> stepMaps = [];
    private List<(AttentionSite Site, Tensor Map)> summed = [];

    /// <summary>The index of the step in progress (the reference's cur_step).</summary>
    public int Step { get; private set; }

    /// <summary>The conditional cross-attention maps [B, heads, P, 77] summed over the finished steps, in call order.</summary>
    public IReadOnlyList<(AttentionSite Site, Tensor Map)> Summed => summed;

    /// <summary>
    /// The side of the UNet level whose side is the latent's over <paramref name="divisor"/> (a power of two): stride-2
    /// convolutions round up at each halving, and rounding up twice is rounding up once.
    /// </summary>
    public static long LevelSide(long latentSide, int divisor) => (latentSide + divisor - 1) / divisor;

    /// <summary>A controller that only stores (AttentionStore): a plain run whose maps can be shown.</summary>
    public static AttentionControl StoreOnly(int prompts) => new(prompts, null, null, (0, 0), 0);

    private bool SelfReplaced(AttentionSite site) =>
        cross is not null && !site.IsCross && site.Queries <= selfMaxQueries && Step >= selfSteps.Start && Step < selfSteps.End;

    public NetworkHooks Hooks() => new()
    {
        CaptureProbs = site => site.IsCross || SelfReplaced(site),
        OnAttentionProbs = Control,
        ProbsHandlerKeepsNothing = true,
    };

    private Tensor Control(AttentionSite site, Tensor probs)
    {
        if (probs.shape[0] != 2L * prompts) throw new InvalidOperationException($"attention control expects a guided batch of {2 * prompts}, got {probs.shape[0]}");
        var cond = probs.narrow(0, prompts, prompts);
        var edited = cond;
        if (prompts > 1 && (site.IsCross ? cross is not null : SelfReplaced(site)))
        {
            var source = cond[0];
            var own = cond.narrow(0, 1, prompts - 1);
            Tensor replaced;
            if (site.IsCross)
            {
                using var a = crossAlpha![Step].to(probs.dtype, probs.device);          // [B−1, 1, 1, 77]
                replaced = cross!.Apply(source, own) * a + own * (1 - a);
            }
            else
            {
                replaced = source.unsqueeze(0).expand_as(own);
            }
            edited = cat([cond.narrow(0, 0, 1), replaced], 0);
        }
        // A copy outside the transformer's dispose scope, which frees the call's tensors when the block ends.
        if (site.IsCross && site.Queries <= storeMaxQueries) stepMaps.Add((site, edited.detach().clone().DetachFromDisposeScope()));
        return ReferenceEquals(edited, cond) ? probs : cat([probs.narrow(0, 0, prompts), edited], 0);
    }

    /// <summary>
    /// Ends step <see cref="Step"/>: this step's maps are added to the sums (between_steps), then LocalBlend, when
    /// set, blends <paramref name="latents"/> (step_callback). Returns the latents to continue from and the mask used.
    /// </summary>
    public (Tensor Latents, Tensor? Mask) EndStep(Tensor latents)
    {
        if (summed.Count == 0)
        {
            summed = [.. stepMaps];
        }
        else
        {
            if (summed.Count != stepMaps.Count) throw new InvalidOperationException($"step {Step} made {stepMaps.Count} cross-attention calls, earlier steps {summed.Count}");
            using var _ = no_grad();
            for (int k = 0; k < summed.Count; k++) summed[k].Map.add_(stepMaps[k].Map);
            foreach (var (_, m) in stepMaps) m.Dispose();
        }
        stepMaps.Clear();
        var result = blend is null ? (latents, null) : blend.Apply(latents, summed, Step);
        Step++;
        return result;
    }

    /// <summary>The mean cross-attention map of each token at the level of <paramref name="queries"/> positions, over the steps so far: [B, P, 77].</summary>
    public Tensor AverageMaps(long queries)
    {
        var maps = summed.Where(s => s.Site.Queries == queries).Select(s => s.Map.mean([1L])).ToList();
        if (maps.Count == 0 || Step == 0) throw new InvalidOperationException($"no cross-attention maps of {queries} positions were stored");
        return stack(maps, 0).mean([0L]) / Step;
    }

    public void Dispose()
    {
        foreach (var (_, m) in summed.Concat(stepMaps)) m.Dispose();
        summed.Clear();
        stepMaps.Clear();
        crossAlpha?.Dispose();
        blend?.Dispose();
    }
}
