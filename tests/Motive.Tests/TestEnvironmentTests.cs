using Motive.Methods.Editing;
using Motive.Tests.Support;

namespace Motive.Tests;

/// <summary>The test process caches edits in a temp folder of its own (Support/TestEnvironment), not in ~/.cache/motive.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class TestEnvironmentTests
{
    [Fact]
    public void TheEditCache_IsATempFolderOfThisProcess() =>
        Assert.Equal(Path.Combine(Path.GetTempPath(), $"motive-test-cache-{Environment.ProcessId}"), EditSession.DefaultCacheDir);
}
