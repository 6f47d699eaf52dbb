using static TorchSharp.torch;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// One layer's term of self_attn_map_l2, mean((A_cur − A_inv)²) with A = softmax(QKᵀ/√d), from the two passes' queries
/// and keys, and its gradient with respect to the current pass's queries and keys, a block of query rows at a time.
/// Neither N×N map is ever whole: at SD's 512² a map of the 4096-token layers is 8 heads × 4096² (256 MiB in bf16),
/// five such layers, and the explicit path keeps the current pass's for the backward and the inversion pass's for
/// the comparison. With G = ∂E/∂A_cur = 2(A_cur − A_inv)/numel, the softmax's backward gives ∂E/∂S = A⊙(G − ΣA⊙G)
/// for the scores S = QKᵀ/√d, so ∂E/∂Q = ∂E/∂S·K/√d and ∂E/∂K = (∂E/∂S)ᵀ·Q/√d. Computed in float32 whatever the
/// UNet's dtype.
/// </summary>
public static class RowwiseAttentionL2
{
    /// <summary>Elements of a block's (B, heads, rows, M) tensors: 8 M floats, 32 MiB each, about six alive at once.</summary>
    private const long BlockElements = 8L << 20;

    /// <summary>The term's value, ∂E/∂Q (B, heads, N, d) and ∂E/∂K (B, heads, M, d), all float32.</summary>
    public static (double Value, Tensor GradQ, Tensor GradK) Evaluate(Tensor qCur, Tensor kCur, Tensor qInv, Tensor kInv)
    {
        if (!qCur.shape.SequenceEqual(qInv.shape) || !kCur.shape.SequenceEqual(kInv.shape) || qCur.dim() != 4)
            throw new ArgumentException($"the self-attention energy compares maps of one shape: queries {Shape(qCur)} and {Shape(qInv)}, keys {Shape(kCur)} and {Shape(kInv)}");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (qc, kc, qi, ki) = (qCur.detach().to(float32), kCur.detach().to(float32), qInv.detach().to(float32), kInv.detach().to(float32));
        long b = qc.shape[0], h = qc.shape[1], n = qc.shape[2], m = kc.shape[2];
        double scale = 1.0 / Math.Sqrt(qc.shape[3]);
        double numel = (double)b * h * n * m;
        long rows = Math.Max(1, Math.Min(n, BlockElements / (b * h * m)));
        var gradQ = zeros_like(qc);
        var gradK = zeros_like(kc);
        double sum = 0;
        for (long r0 = 0; r0 < n; r0 += rows)
        {
            using var block = NewDisposeScope();
            var r = TensorIndex.Slice(r0, Math.Min(n, r0 + rows));
            var qBlock = qc[.., .., r];
            var cur = Probabilities(qBlock, kc, scale);
            var diff = cur - Probabilities(qi[.., .., r], ki, scale);
            sum += diff.square().sum().to(float64).item<double>();
            var g = diff.mul(2.0 / numel);
            var dScores = cur * (g - (cur * g).sum(-1, keepdim: true));
            gradQ[.., .., r] = matmul(dScores, kc).mul(scale);
            gradK.add_(matmul(dScores.transpose(-1, -2), qBlock).mul(scale));
        }
        return (sum / numel, gradQ.MoveToOuterDisposeScope(), gradK.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The term as a tensor whose value is <paramref name="value"/> and whose gradient flows to the current pass's
    /// queries and keys as the given ∂E/∂Q and ∂E/∂K: value + ⟨Q, ∂E/∂Q⟩ + ⟨K, ∂E/∂K⟩ − the same, detached.
    /// </summary>
    public static Tensor WithGradient(double value, Tensor q, Tensor k, Tensor gradQ, Tensor gradK)
    {
        var linear = (q.to(float32) * gradQ).sum() + (k.to(float32) * gradK).sum();
        return linear - linear.detach() + (float)value;
    }

    private static Tensor Probabilities(Tensor q, Tensor k, double scale) => matmul(q, k.transpose(-1, -2)).mul(scale).softmax(-1);

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
