using System.Runtime.InteropServices;

namespace Motive.Tests.Support;

/// <summary>
/// Memory in use as glibc's malloc counts it (arena chunks plus mmapped blocks, every arena), after a full
/// collection: libtorch's tensors and the runtime's own allocations, without the pages RSS keeps after a free.
/// </summary>
public static class NativeMemory
{
    public static long InUse()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var m = mallinfo2();
        return (long)(m.uordblks + m.hblkhd);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();
}
