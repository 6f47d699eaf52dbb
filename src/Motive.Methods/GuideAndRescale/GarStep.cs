using Motive.Models.Blocks;
using Motive.Models.Optim;
using Motive.Models.Unet;
using static TorchSharp.torch;

namespace Motive.Methods.GuideAndRescale;

/// <summary>What one guided step computed: the rescaler's inputs, each guider's raw energy, the factor and ε̂.</summary>
public sealed record GarStepResult(Tensor Uncond, Tensor Cfg, Tensor? Other, double OtherScale, Tensor NoisePred,
    IReadOnlyDictionary<string, double> Energies, double EnergyTotal, IReadOnlyDictionary<string, IReadOnlyList<double>> LayerTerms) : IDisposable
{
    public void Dispose()
    {
        Uncond.Dispose();
        Cfg.Dispose();
        Other?.Dispose();
        NoisePred.Dispose();
    }
}

/// <summary>
/// One step of Guide-and-Rescale's editing (guidance_editing.py: _construct_data_dict + _get_noise): four UNet passes
/// — (z, ""), (z*, source) → the "inversion" maps, (z, source) and (z, target) with grad → the "current" maps — then
/// the CFG term, each guider's energy times its scale at step i (dropped when |g·E| ≤ 1e-8), ∂E/∂z by one backward, the
/// noise rescaling and ε̂ = ε_u + cfg + closed-form terms + s·∂E/∂z. The UNet's weights stay frozen.
/// </summary>
public static class GarStep
{
    public static GarStepResult Run(UNet2DConditionModel unet, Tensor z, Tensor zStar, long t, Tensor uncond, Tensor source, Tensor target,
        GarConfig config, int step)
    {
        using var frozen = Frozen.AllBut(unet);
        using var scope = NewDisposeScope();
        var dtype = unet.parameters().First().dtype;
        var layers = Layers(unet, config.SelfAttentionLayers);
        bool attention = config.Guiders.Any(g => g.UsesAttention && Active(g, step));
        int upBlocks = unet.Config.BlockOutChannels.Length;
        var modules = config.Guiders.Where(g => Active(g, step)).Select(g => g.FeatureModule(upBlocks)).OfType<string>().ToHashSet();
        var time = tensor(t, device: z.device);
        Tensor Eps(Tensor x, Tensor text, Captured? maps)
        {
            var hooks = maps is null ? null : new NetworkHooks
            {
                CaptureQueryKeys = attention ? layers.All.Contains : null,
                OnQueryKeys = (path, q, k) => maps.QueryKeys[path] = (q, k),
                OnFeature = (path, f) => { if (modules.Contains(path)) maps.Features[path] = f; return f; },
            };
            return unet.Forward(x.to(dtype), time, text.to(dtype), hooks).to(float32);
        }
        // A pass in its own dispose scope keeps only its ε and what it captured: the step's scope would otherwise
        // hold every intermediate of every pass (tensor handles hold memory until their scope ends; a graph keeps what
        // its backward needs by itself).
        Tensor Pass(Tensor x, Tensor text, Captured? maps)
        {
            using var pass = NewDisposeScope();
            var eps = Eps(x, text, maps);
            foreach (var m in maps?.Tensors ?? []) m.MoveToOuterDisposeScope();
            return eps.MoveToOuterDisposeScope();
        }

        // The reference runs all four passes with grad on the last two at every step; the values are the same when a
        // pass nothing reads is skipped (no energy active: plain CFG) or runs without a graph (no guider reads the
        // target pass's maps), and the memory is not spent.
        bool anyEnergy = config.Guiders.Any(g => !g.ClosedForm && Active(g, step));
        bool targetMaps = config.Guiders.Any(g => g.Name == GarGuider.FeaturesL2 && Active(g, step));
        Tensor epsU;
        var inv = new Captured();
        using (no_grad())
        {
            epsU = Pass(z, uncond, null);
            if (anyEnergy) Pass(zStar, source, inv);
        }
        var leaf = new TorchSharp.Modules.Parameter(z.to(float32).clone(), requires_grad: anyEnergy);
        var curInv = new Captured();
        var curTrg = new Captured();
        if (anyEnergy) Pass(leaf, source, curInv);
        Tensor epsTrg;
        using (targetMaps ? null : no_grad())
            epsTrg = Pass(leaf, target, targetMaps ? curTrg : null);

        Tensor? cfg = null, energy = null;
        var closed = new List<Tensor>();
        var energies = new Dictionary<string, double>();
        var layerTerms = new Dictionary<string, IReadOnlyList<double>>();
        foreach (var g in config.Guiders)
        {
            double s = g.Scales[step];
            if (!g.ClosedForm && !Active(g, step)) { energies[g.Name] = 0; continue; }   // off at this step: its energy is 0
            switch (g.Name)
            {
                case GarGuider.Cfg:
                    cfg = (epsTrg.detach() - epsU) * (float)s;
                    continue;
                case GarGuider.LatentsDiff:
                    closed.Add(MapEnergies.LatentsDiffGradient(leaf.detach(), zStar.to(float32)) * (float)s);
                    continue;
            }
            var e = (g.Name switch
            {
                GarGuider.FeaturesL2 => MapEnergies.FeaturesL2(curTrg.Features[g.FeatureModule(upBlocks)!], inv.Features[g.FeatureModule(upBlocks)!]),
                GarGuider.SelfAttentionL2 => Attention(layers.Order(false), curInv, inv, layerTerms, g.Name),
                GarGuider.Appearance => AppearanceEnergy(g, step, layers, curInv, inv, upBlocks, layerTerms),
                _ => throw new ArgumentException($"unknown guider '{g.Name}'; known: {string.Join(", ", GarGuider.Names)}"),
            }).to(float32);   // maps of a half-precision UNet give half-precision sums: the energies and their weighting in float32
            double value = e.item<float>();
            energies[g.Name] = value;
            if (Math.Abs(s * value) <= 1e-8) continue;      // the reference's allclose(g·E, 0): no term, no backward
            var term = e * (float)s;
            energy = energy is null ? term : energy + term;
        }
        if (cfg is null) throw new ArgumentException("a Guide-and-Rescale config needs the cfg guider");
        Tensor? other = null;
        double total = 0, scale = 1;
        if (energy is not null)
        {
            total = energy.item<float>();
            energy.backward();
            other = leaf.grad!.clone();
            scale = config.OtherScale(other.to(float64).norm().item<double>(), cfg.to(float64).norm().item<double>());
        }
        var pred = NoiseRescale.Combine(epsU, cfg, closed, other, scale);
        var result = new GarStepResult(epsU.MoveToOuterDisposeScope(), cfg.MoveToOuterDisposeScope(), other?.MoveToOuterDisposeScope(), scale,
            pred.MoveToOuterDisposeScope(), energies, total, layerTerms);
        leaf.Dispose();
        return result;
    }

    private static bool Active(GarGuider g, int step) => g.Scales[step] != 0 && (g.Name != GarGuider.Appearance
        || g.SelfAttentionScales![step] != 0 || g.AppearanceScales![step] != 0);

    private static Tensor AppearanceEnergy(GarGuider g, int step, SelectedLayers layers, Captured cur, Captured inv,
        int upBlocks, Dictionary<string, IReadOnlyList<double>> terms)
    {
        double sa = g.SelfAttentionScales![step], app = g.AppearanceScales![step];
        var module = g.FeatureModule(upBlocks)!;
        var e = Attention(layers.Order(true), cur, inv, terms, g.Name) * (float)sa;
        return e + MapEnergies.AppearanceL1(cur.Features[module], inv.Features[module]) * (float)app;
    }

    /// <summary>
    /// self_attn_map_l2: Σ over layers (in the given order) of mean((A_cur − A_inv)²) over every head and entry of the
    /// softmax self-attention probabilities, each layer a block of rows at a time (<see cref="RowwiseAttentionL2"/>).
    /// </summary>
    private static Tensor Attention(IReadOnlyList<string> order, Captured cur, Captured inv,
        Dictionary<string, IReadOnlyList<double>> terms, string guider)
    {
        if (order.Count == 0) throw new ArgumentException("the self-attention energy needs at least one layer");
        Tensor? sum = null;
        var values = new List<double>();
        foreach (var path in order)
        {
            var (q, k) = cur.QueryKeys[path];
            var (qInv, kInv) = inv.QueryKeys[path];
            var (value, gradQ, gradK) = RowwiseAttentionL2.Evaluate(q, k, qInv, kInv);
            values.Add(value);
            var term = RowwiseAttentionL2.WithGradient(value, q, k, gradQ, gradK);
            sum = sum is null ? term : sum + term;
        }
        terms[guider] = values;
        return sum!;
    }

    /// <summary>What a pass's hooks kept: the hooked blocks' outputs and the read self-attention layers' queries and keys.</summary>
    private sealed class Captured
    {
        public Dictionary<string, Tensor> Features { get; } = [];
        public Dictionary<string, (Tensor Q, Tensor K)> QueryKeys { get; } = [];
        public IEnumerable<Tensor> Tensors => Features.Values.Concat(QueryKeys.Values.SelectMany(p => new[] { p.Q, p.K }));
    }

    /// <summary>The self-attention modules a config reads, per place (down, mid, up), as transformer-block ranges.</summary>
    public sealed record SelectedLayers(IReadOnlyList<string> Down, IReadOnlyList<string> Mid, IReadOnlyList<string> Up)
    {
        public HashSet<string> All => [.. Down, .. Mid, .. Up];

        /// <summary>The summation order: self_attn_map_l2 sums down, mid, up; the appearance guider down, up, mid.</summary>
        public IReadOnlyList<string> Order(bool appearance) => appearance ? [.. Down, .. Up, .. Mid] : [.. Down, .. Mid, .. Up];
    }

    public static SelectedLayers Layers(UNet2DConditionModel unet, int[][] ranges)
    {
        var self = unet.Attentions.Select(a => a.Path).Where(p => p.EndsWith(".attn1", StringComparison.Ordinal)).ToList();
        List<string> Place(string prefix, int[] r)
        {
            var all = self.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            if (r.Length != 2 || r[0] < 0 || r[1] > all.Count || r[0] > r[1]) throw new ArgumentException($"self-attention layers [{string.Join(", ", r)}] of {prefix.TrimEnd('.')}: this UNet has {all.Count} there");
            return all.GetRange(r[0], r[1] - r[0]);
        }
        if (ranges.Length != 3) throw new ArgumentException("self-attention layers are three ranges: down, mid, up");
        return new SelectedLayers(Place("down_blocks.", ranges[0]), Place("mid_block.", ranges[1]), Place("up_blocks.", ranges[2]));
    }
}
