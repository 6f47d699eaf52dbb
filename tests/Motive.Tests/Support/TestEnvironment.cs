using System.Runtime.CompilerServices;

namespace Motive.Tests.Support;

/// <summary>
/// Keeps what the test process writes in temp folders: edits that cache (DragDiffusion's per-image LoRAs, cached under
/// $MOTIVE_CACHE, else ~/.cache/motive) cache in a temp folder of this process, deleted when it exits. Tests that
/// look at the cache give their own folder.
/// </summary>
internal static class TestEnvironment
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        var cache = Path.Combine(Path.GetTempPath(), $"motive-test-cache-{Environment.ProcessId}");
        Environment.SetEnvironmentVariable("MOTIVE_CACHE", cache);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { if (Directory.Exists(cache)) Directory.Delete(cache, true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        };
    }
}
