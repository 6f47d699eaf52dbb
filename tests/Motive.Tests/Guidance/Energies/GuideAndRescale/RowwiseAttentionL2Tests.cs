using Motive.Methods.GuideAndRescale;
using Motive.Tests.Support;
using static TorchSharp.torch;

namespace Motive.Tests.Guidance;

/// <summary>
/// The self-attention maps' energy a block of rows at a time against its definition on whole maps: the value
/// mean((softmax(Q_cK_cᵀ/√d) − softmax(Q_iK_iᵀ/√d))²) and, by autograd through the whole maps, its gradient with respect
/// to the current queries and keys — with more rows than one block holds, so the blocks' seams are crossed.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class RowwiseAttentionL2Tests
{
    [Theory]
    [InlineData(1, 8, 1100, 8, 5.0)]     // 8 heads × 1100 keys: blocks of 953 rows, so two blocks
    [InlineData(2, 3, 77, 16, 1.0)]      // batch 2, a ragged size, one block
    public void BlockwiseValueAndGradient_AreThoseOfTheWholeMaps(int batch, int heads, int tokens, int dim, double spread)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        Tensor R() => randn([batch, heads, tokens, dim], generator: gen, dtype: float64).mul(spread / Math.Sqrt(dim));
        var (qc, kc, qi, ki) = (R(), R(), R(), R());
        var q = qc.clone().requires_grad_(true);
        var k = kc.clone().requires_grad_(true);
        Tensor Map(Tensor a, Tensor b) => matmul(a, b.transpose(-1, -2)).mul(1.0 / Math.Sqrt(dim)).softmax(-1);
        var whole = (Map(q, k) - Map(qi, ki)).square().mean();
        whole.backward();

        var (value, gradQ, gradK) = RowwiseAttentionL2.Evaluate(qc.to(float32), kc.to(float32), qi.to(float32), ki.to(float32));
        double want = whole.item<double>();
        Assert.True(want > 0);
        Assert.True(Math.Abs(value - want) <= 1e-5 * want, $"value {value} vs {want}");
        AssertNear(q.grad!, gradQ, "∂E/∂Q");
        AssertNear(k.grad!, gradK, "∂E/∂K");

        // As a term of a larger energy: its value is the value, its gradient reaches Q and K through autograd.
        var q2 = qc.to(float32).requires_grad_(true);
        var k2 = kc.to(float32).requires_grad_(true);
        var term = RowwiseAttentionL2.WithGradient(value, q2, k2, gradQ, gradK) * 3f;
        Assert.True(Math.Abs(term.item<float>() - 3 * value) <= 1e-6 * 3 * value);
        term.backward();
        AssertNear(q.grad! * 3, q2.grad!, "3·∂E/∂Q through the term");
        AssertNear(k.grad! * 3, k2.grad!, "3·∂E/∂K through the term");
    }

    [Fact]
    public void MapsOfDifferentShapes_AreRefused()
    {
        using var scope = NewDisposeScope();
        var a = zeros(1, 2, 16, 4);
        var e = Assert.Throws<ArgumentException>(() => RowwiseAttentionL2.Evaluate(a, a, zeros(1, 2, 8, 4), a));
        Assert.Contains("one shape", e.Message);
    }

    private static void AssertNear(Tensor want, Tensor got, string what)
    {
        double scale = want.abs().max().item<double>(), err = (want - got.to(float64)).abs().max().item<double>();
        Assert.True(scale > 0, $"{what}: the reference gradient is zero");
        Assert.True(err <= 1e-4 * scale, $"{what}: max difference {err:g3} of max |∂| {scale:g3}");
    }
}
