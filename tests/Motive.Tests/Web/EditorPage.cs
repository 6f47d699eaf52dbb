using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Motive.Tests.Web;

/// <summary>
/// The editor page in a real browser against a test server, opened fresh, and the parts of it the tests work. An
/// input's controls are found by the key its method's description gives it (data-key="settings.steps") inside the
/// shown method's panel, and its stage tools by their data-tool: the page's own ids name no method.
/// </summary>
public sealed class EditorPage : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private EditorPage(IPlaywright playwright, IBrowser browser, IPage page)
    {
        this.playwright = playwright;
        this.browser = browser;
        Page = page;
        page.Console += (_, m) => { if (m.Type == "error") Errors.Add(m.Text); };
        page.PageError += (_, e) => Errors.Add(e);
    }

    public IPage Page { get; }
    public List<string> Errors { get; } = [];
    public ILocator Status => Page.Locator("#status");

    /// <summary>Long enough for a short edit on the embedded model on a busy CPU.</summary>
    public static readonly LocatorAssertionsToContainTextOptions Slow = new() { Timeout = 240_000 };

    /// <summary>Opens the page; it starts by loading toy scene 1 (128 px).</summary>
    public static async Task<EditorPage> Open(ServerHarness h)
    {
        var (playwright, browser) = await Browser.Launch();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var editor = new EditorPage(playwright, browser, page);
        await page.GotoAsync(h.Server.Url.ToString());
        return editor;
    }

    /// <summary>Waits for the first screen: the toy scene on the stage.</summary>
    public Task Ready() => Assertions.Expect(Status).ToContainTextAsync("picture 128×128", new() { Timeout = 30_000 });

    /// <summary>The shown panel's element for an input: a label around a form field, or a block of stage tools.</summary>
    public ILocator Input(string key) => Page.Locator($".method-panel:not([hidden]) [data-key=\"{key}\"]");

    /// <summary>The form control (input or select) of a field input.</summary>
    public ILocator Field(string key) => Input(key).Locator("input, select").First;

    public ILocator Hint(string key) => Input(key).Locator(".hint");

    public Task Tool(string key, string tool) => Input(key).Locator($"[data-tool=\"{tool}\"]").ClickAsync();

    public Task Method(string title) => Page.Locator("#method-tabs button", new() { HasTextString = title }).ClickAsync();

    /// <summary>Screen pixels per picture pixel of the 128 px picture, and the stage's top left, measured where it is now.</summary>
    private async Task<(float X, float Y, float K)> Stage()
    {
        await Page.Locator("#overlay").ScrollIntoViewIfNeededAsync();
        var box = (await Page.Locator("#overlay").BoundingBoxAsync())!;
        return (box.X, box.Y, box.Width / 128f);
    }

    /// <summary>Clicks the picture at (x, y) in its own pixels.</summary>
    public async Task Click(double x, double y)
    {
        var (sx, sy, k) = await Stage();
        await Page.Mouse.ClickAsync(sx + (float)x * k, sy + (float)y * k);
    }

    /// <summary>Drags over the picture from (x0, y0) to (x1, y1), in its own pixels.</summary>
    public async Task Drag(double x0, double y0, double x1, double y1)
    {
        var (sx, sy, k) = await Stage();
        await Page.Mouse.MoveAsync(sx + (float)x0 * k, sy + (float)y0 * k);
        await Page.Mouse.DownAsync();
        await Page.Mouse.MoveAsync(sx + (float)x1 * k, sy + (float)y1 * k, new MouseMoveOptions { Steps = 8 });
        await Page.Mouse.UpAsync();
    }

    /// <summary>Clicks Run and waits for the job it submitted to end done; the job's run.json.</summary>
    public async Task<JsonNode> RunToTheEnd(ServerHarness h)
    {
        var id = await Submit(h);
        await Assertions.Expect(Status).ToContainTextAsync($"job {id} done", Slow);
        await Assertions.Expect(Page.Locator("#result-section")).ToBeVisibleAsync();
        Assert.Equal("done", (await h.Job(id))["state"]!.GetValue<string>());
        return JsonNode.Parse(await h.Client.GetStringAsync($"api/v1/jobs/{id}/files/run.json"))!;
    }

    /// <summary>Clicks Run; the id of the job the page submitted.</summary>
    public async Task<string> Submit(ServerHarness h)
    {
        int before = await Jobs(h);
        await Page.ClickAsync("#run");
        for (var until = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < until; await Task.Delay(100))
        {
            var jobs = JsonNode.Parse(await h.Client.GetStringAsync("api/v1/jobs"))!.AsArray();
            if (jobs.Count > before) return jobs[^1]!["id"]!.GetValue<string>();
        }
        throw new TimeoutException("the page submitted no job; its status says: " + await Status.InnerTextAsync());
    }

    public static async Task<int> Jobs(ServerHarness h) => JsonNode.Parse(await h.Client.GetStringAsync("api/v1/jobs"))!.AsArray().Count;

    /// <summary>Opens the last job's result.png in the page (as dropping it would): the page restores its edit.</summary>
    public async Task OpenLastResult(ServerHarness h, string name)
    {
        var jobs = JsonNode.Parse(await h.Client.GetStringAsync("api/v1/jobs"))!.AsArray();
        var png = Path.Combine(Browser.Artifacts, name);
        await File.WriteAllBytesAsync(png, await h.Client.GetByteArrayAsync($"api/v1/jobs/{jobs[^1]!["id"]}/files/result.png"));
        await Page.SetInputFilesAsync("#open-file", png);
    }

    public Task Shot(string name, string? dir = null) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir ?? Browser.Artifacts, name + ".png"), FullPage = true });

    public void NoErrors() => Assert.True(Errors.Count == 0, "the page logged errors: " + string.Join("; ", Errors));

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
