using static TorchSharp.torch;

namespace Motive.Replays;

/// <summary>
/// Runs a replay on one thread, as the recordings were made, and puts the thread count back: in a long chain of
/// dependent float32 steps the order of a multi-threaded reduction alone can move a late tensor past its limit.
/// </summary>
public static class OneThread
{
    public static T Run<T>(Func<T> replay)
    {
        int threads = get_num_threads();
        set_num_threads(1);
        try
        {
            return replay();
        }
        finally
        {
            set_num_threads(threads);
        }
    }
}
