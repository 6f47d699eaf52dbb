using TorchSharp;

namespace Motive.Tests.Support;

public static class TensorAssert
{
    /// <summary>Same dtype, shape and bytes (NaN-safe, signed-zero-exact).</summary>
    public static bool BitEqual(torch.Tensor a, torch.Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var ca = a.contiguous();
        using var cb = b.contiguous();
        return ca.numel() == 0 || ca.bytes.SequenceEqual(cb.bytes);
    }
}
