using Motive.IO.StateDicts;
using TorchSharp;

namespace Motive.IO.Inspection;

/// <summary>Result of reading every tensor of a weight file: which ones hold NaN or infinite values.</summary>
public sealed record VerifyResult(int Tensors, long Bytes, IReadOnlyList<(string Name, long NonFinite)> NonFinite);

/// <summary>
/// Reads every tensor of a state dict (catching damage that only shows in the data: CRC errors in a zip,
/// truncated storages) and counts non-finite values. Reports progress in bytes; stops on cancellation.
/// </summary>
public static class TensorVerifier
{
    public static VerifyResult Verify(StateDict sd, IProgress<long>? bytesDone = null, CancellationToken cancel = default)
    {
        var bad = new List<(string, long)>();
        long done = 0;
        foreach (var t in sd.Tensors)
        {
            cancel.ThrowIfCancellationRequested();
            using (var scope = torch.NewDisposeScope())
            {
                var x = sd.Load(t.Name);
                if (x.is_floating_point())
                {
                    long n = x.isfinite().logical_not().sum().item<long>();
                    if (n > 0) bad.Add((t.Name, n));
                }
            }
            done += t.ByteSize;
            bytesDone?.Report(done);
        }
        return new VerifyResult(sd.Count, done, bad);
    }
}
