using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Runtime;

/// <summary>
/// Counts the multiply–adds of convolutions, linear layers and attention products (2 FLOPs each) while a count is
/// open, for benches that report achieved TFLOP/s. These are nearly all of a UNet's, a VAE's and RAFT's arithmetic;
/// norms, activations and elementwise work are left out. One count at a time (benches run one process each).
/// </summary>
public static class FlopCount
{
    private static long flops;
    private static int open;

    /// <summary>Starts counting from zero; the count stops when the handle is disposed (read <see cref="Total"/> before).</summary>
    public static IDisposable Start()
    {
        Interlocked.Exchange(ref flops, 0);
        Interlocked.Increment(ref open);
        return new Handle();
    }

    /// <summary>FLOPs counted since <see cref="Start"/>.</summary>
    public static long Total => Interlocked.Read(ref flops);

    /// <summary>A product of (rows × inner) by (inner × cols) matrices.</summary>
    public static void Matmul(long rows, long inner, long cols)
    {
        if (Volatile.Read(ref open) > 0) Interlocked.Add(ref flops, 2 * rows * inner * cols);
    }

    /// <summary>A convolution that made <paramref name="output"/> with <paramref name="weight"/> (Cout, Cin, kh, kw).</summary>
    public static void Conv(Tensor output, Tensor weight) =>
        Matmul(output.numel(), weight.shape[1] * weight.shape[2] * weight.shape[3], 1);

    /// <summary>A linear layer applied to <paramref name="x"/>, counted.</summary>
    public static Tensor Linear(Linear layer, Tensor x)
    {
        var y = layer.forward(x);
        Matmul(x.numel() / x.shape[^1], x.shape[^1], y.shape[^1]);
        return y;
    }

    /// <summary>softmax(QKᵀ)V over (B, h, N, d) queries and M keys: two products.</summary>
    public static void Attention(long batchHeads, long queries, long keys, long dim)
    {
        Matmul(batchHeads * queries, dim, keys);
        Matmul(batchHeads * queries, keys, dim);
    }

    private sealed class Handle : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) Interlocked.Decrement(ref open);
        }
    }
}
