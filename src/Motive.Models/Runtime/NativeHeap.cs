using System.Runtime.InteropServices;

namespace Motive.Models.Runtime;

/// <summary>
/// Keeps glibc's malloc from handing tensor memory back to the kernel between calls, so a step does not page-fault
/// its activations in afresh each time.
/// <para>
/// libtorch's CPU tensors come from malloc. glibc serves large blocks with fresh mmaps and trims the top of its heap
/// as soon as 128 KB lie free there, so each forward and backward touched hundreds of megabytes of new pages: RAFT-large
/// at 256² took 0.56 M minor page faults and 1,102 ms for a forward + backward, 597 ms with the heap kept
/// (MALLOC_TOP_PAD_ and MALLOC_TRIM_THRESHOLD_ set in the environment; `motive bench raft`, docs/performance.md).
/// This sets the same through mallopt when Motive.Models loads: blocks up to 32 MB (glibc's maximum) come from the
/// heap, which grows 256 MB at a time and is not trimmed. The resident set then stays near the peak of the largest
/// step instead of falling between steps; <see cref="Release"/> hands the free part back (the benches' peak-memory
/// measurements do, before each phase). <c>MOTIVE_MALLOC=default</c> leaves glibc's own behaviour.
/// </para>
/// </summary>
public static class NativeHeap
{
    /// <summary>What was done, for bench reports.</summary>
    public static string Status { get; private set; } = "glibc malloc defaults";

    private const int M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2, M_MMAP_THRESHOLD = -3;

    /// <summary>Applies the setting (idempotent; nothing off Linux/glibc or with MOTIVE_MALLOC=default).</summary>
    public static void Configure()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MOTIVE_MALLOC") is "default") return;
        try
        {
            bool ok = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1
                & mallopt(M_TOP_PAD, 256 << 20) == 1
                & mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
            Status = ok ? "malloc heap kept between steps (NativeHeap)" : "glibc malloc defaults (mallopt refused)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Status = "glibc malloc defaults (no mallopt: not glibc)";
        }
    }

    /// <summary>Hands the heap's free memory back to the kernel (malloc_trim); false where that is not possible.</summary>
    public static bool Release()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return malloc_trim(0) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
