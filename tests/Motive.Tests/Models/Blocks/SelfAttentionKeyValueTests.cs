using Motive.Models.Blocks;
using Motive.Tests.Support;
using static TorchSharp.torch;

namespace Motive.Tests.Models;

/// <summary>The self-attention key/value hook: what mutual self-attention is built on.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class SelfAttentionKeyValueTests
{
    [Fact]
    public void ReplacedKeysAndValues_AreWhatTheQueriesAttendOver()
    {
        manual_seed(3);
        using var attn = new Attention(16, null, heads: 2, headDim: 8, bias: false);
        attn.Path = "attn1";
        attn.Hooks = new HookSlot();
        using var x = randn(1, 6, 16);
        using var y = randn(1, 9, 16);
        using var _ = no_grad();
        using var cross = attn.Forward(x, y);   // keys and values of y, queries of x

        (Tensor, Tensor)? fromY = null;
        attn.Hooks.Current = new NetworkHooks { SelfAttentionKeyValues = (path, k, v) => { fromY = (k.clone(), v.clone()); return (k, v); } };
        attn.Forward(y).Dispose();
        attn.Hooks.Current = new NetworkHooks { SelfAttentionKeyValues = (path, k, v) => { Assert.Equal("attn1", path); return fromY!.Value; } };
        using var mutual = attn.Forward(x);
        attn.Hooks.Current = null;
        using var plain = attn.Forward(x);
        Assert.True(mutual.allclose(cross, rtol: 1e-5, atol: 1e-6), "x attending over y's keys and values is cross-attention to y");
        Assert.False(mutual.allclose(plain, rtol: 1e-3, atol: 1e-4), "and not x's own self-attention");
    }
}
