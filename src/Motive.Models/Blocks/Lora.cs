using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Blocks;

/// <summary>One LoRA adapter: y += scale · up(down(x)), down: in→r, up: r→out (diffusers' LoRALinearLayer).</summary>
public sealed class LoraLinear : nn.Module
{
    private readonly Linear down, up;

    public LoraLinear(long inFeatures, long outFeatures, long rank, double multiplier = 1.0) : base(nameof(LoraLinear))
    {
        Multiplier = multiplier;
        down = nn.Linear(inFeatures, rank, hasBias: false);
        up = nn.Linear(rank, outFeatures, hasBias: false);
        nn.init.zeros_(up.weight); // a new adapter starts as the identity edit
        RegisterComponents();
    }

    /// <summary>alpha / rank of the file the adapter came from (1 when it gives no alpha).</summary>
    public double Multiplier { get; }

    public long Rank => down.weight!.shape[0];

    public Tensor Delta(Tensor x) => up.forward(down.forward(x)).mul(Multiplier);
}

/// <summary>The adapters of one attention module, keyed by projection name ("to_q", "to_k", "to_v", "to_out.0").</summary>
public sealed class LoraSet(IReadOnlyDictionary<string, LoraLinear> adapters, double scale)
{
    public IReadOnlyDictionary<string, LoraLinear> Adapters { get; } = adapters;
    public double Scale { get; set; } = scale;

    public Tensor? Apply(string name, Tensor x, Tensor y) =>
        Adapters.TryGetValue(name, out var a) && Scale != 0 ? y + a.Delta(x).mul(Scale) : null;
}
