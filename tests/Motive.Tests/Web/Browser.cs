using Microsoft.Playwright;

namespace Motive.Tests.Web;

/// <summary>
/// Debian's chromium driven by Playwright (which cannot download its own browsers here): launched through its
/// executable path. A missing browser fails the test with one line naming .ci/chromium-up, which installs it (.ci/run runs it).
/// </summary>
public static class Browser
{
    public static string Executable
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("MOTIVE_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";
            if (!File.Exists(path)) Assert.Fail($"no browser at {path}: .ci/chromium-up installs Debian's chromium (.ci/run runs it), or set MOTIVE_CHROMIUM");
            return path;
        }
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> Launch()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    /// <summary>
    /// Where the browser tests leave their screenshots: $MOTIVE_ARTIFACTS/editor (.ci/run sets it to the repository's
    /// artifacts/), else motive-artifacts/editor in the temp folder: a test writes nowhere else unless asked.
    /// </summary>
    public static string Artifacts
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("MOTIVE_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(Path.GetTempPath(), "motive-artifacts");
            var dir = Path.Combine(root, "editor");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}
