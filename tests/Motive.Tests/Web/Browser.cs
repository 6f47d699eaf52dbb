using Microsoft.Playwright;
using Motive.Tests.Support;

namespace Motive.Tests.Web;

/// <summary>
/// Debian's chromium driven by Playwright (which cannot download its own browsers here): launched through its
/// executable path. A missing browser fails the test with what to install; .ci/run installs it.
/// </summary>
public static class Browser
{
    public static string Executable
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("MOTIVE_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";
            if (!File.Exists(path)) Assert.Fail($"no browser at {path}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set MOTIVE_CHROMIUM");
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

    /// <summary>Where the browser tests leave their screenshots: artifacts/editor in the repository (MOTIVE_ARTIFACTS overrides).</summary>
    public static string Artifacts
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("MOTIVE_ARTIFACTS") is { Length: > 0 } a ? Path.Combine(a, "editor") : Path.Combine(Fixtures.RepoRoot, "artifacts", "editor");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}
