using Motive.IO;
using Motive.IO.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Models.Blocks;

/// <summary>
/// Strict loading, as nanoGPT's from_pretrained: every parameter and buffer of the module must be in the
/// weights with the same shape, and no weight may be left over. Key renaming happens before this, in the
/// one mapping table of each model.
/// </summary>
public static class WeightLoading
{
    /// <param name="module">The model whose parameters and buffers are filled.</param>
    /// <param name="weights">Module key → stored tensor.</param>
    /// <param name="source">File or folder named in errors.</param>
    /// <param name="ignore">Stored keys that are expected and unused (e.g. position_ids buffers).</param>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, TensorRef> weights, string source,
        Func<string, bool>? ignore = null)
    {
        var targets = module.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(module.named_buffers().Select(b => (b.name, b.buffer)))
            .ToList();
        var missing = targets.Where(t => !weights.ContainsKey(t.name)).Select(t => t.name).ToList();
        var wanted = targets.Select(t => t.name).ToHashSet();
        var unexpected = weights.Keys.Where(k => !wanted.Contains(k) && !(ignore?.Invoke(k) ?? false)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"{missing.Count} missing key(s), e.g. {string.Join(", ", missing.Take(4))}");
            if (unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected key(s), e.g. {string.Join(", ", unexpected.Take(4))}");
            throw new MotiveFormatException(source, $"weights do not fit {module.GetName()}: {string.Join("; ", parts)}");
        }
        using var _ = no_grad();
        foreach (var (name, target) in targets)
        {
            var w = weights[name];
            if (!w.Shape.SequenceEqual(target.shape))
                throw new MotiveFormatException(source, $"'{name}' has shape [{string.Join(", ", w.Shape)}], the model expects [{string.Join(", ", target.shape)}]");
            using var t = w.Load(target.dtype);
            target.copy_(t);
        }
    }

    /// <summary>The weights under <paramref name="prefix"/>, with the prefix removed.</summary>
    public static Dictionary<string, TensorRef> Under(IEnumerable<TensorRef> all, string prefix) =>
        all.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Name[prefix.Length..], t => t.WithName(t.Name[prefix.Length..]));
}
