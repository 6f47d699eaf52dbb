using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Motive.Scenes;
using Motive.Tests.Support;
using Motive.Web;

namespace Motive.Tests.Web;

/// <summary>
/// The editor page in a real browser against a real server on the embedded model, as a user works it: load a toy
/// scene, click its front object, drag an arrow, see the warp preview, run a short edit and watch its progress and
/// live preview, get the result, then start a second run and cancel it. Each stage's screenshot is kept.
/// </summary>
[Trait(Tier.Category, Tier.Browser)]
public class EditorBrowserTests
{
    [Fact]
    public async Task TheEditor_MovesAToySceneObject_ThenCancelsASecondRun()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { PreviewEvery = 1 });
        var (playwright, browser) = await Browser.Launch();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        page.PageError += (_, e) => errors.Add(e);
        async Task Shot(string name) => await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, name + ".png"), FullPage = true });
        var status = page.Locator("#status");
        var timeout = new LocatorAssertionsToContainTextOptions { Timeout = 120_000 };

        await page.GotoAsync(h.Server.Url.ToString());
        await Assertions.Expect(status).ToHaveTextAsync("open a picture or load a toy scene");
        await Assertions.Expect(page.Locator("#method-tabs button")).ToHaveCountAsync(3);

        var scene = SceneGenerator.Generate(1, 128, 128);
        var front = scene.Objects[^1];
        await page.FillAsync("#scene-seed", "1");
        await page.ClickAsync("#load-scene");
        await Assertions.Expect(status).ToContainTextAsync(Captions.Of(scene));
        Assert.Equal(Captions.Of(scene), await page.InputValueAsync("#mg-prompt"));
        await Shot("1-scene");

        // The stage shows the 128 px scene at 512 px: 4 screen pixels a scene pixel.
        var stage = (await page.Locator("#overlay").BoundingBoxAsync())!;
        float k = stage.Width / 128f;
        float sx = stage.X + (float)front.X * k, sy = stage.Y + (float)front.Y * k;
        await page.ClickAsync("#tool-click");
        await page.Mouse.ClickAsync(sx, sy);
        await Assertions.Expect(page.Locator("#motion-text")).ToContainTextAsync("region click:");
        await page.ClickAsync("#tool-translate");
        await page.Mouse.MoveAsync(sx, sy);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(sx + 12 * k, sy, new MouseMoveOptions { Steps = 6 });
        await page.Mouse.UpAsync();
        await Assertions.Expect(page.Locator("#motion-text")).ToContainTextAsync("translate 12,0");
        await Assertions.Expect(status).ToContainTextAsync("warp preview:");
        Assert.StartsWith("blob:", await page.GetAttributeAsync("#warp-image", "src"));
        await Shot("2-motion-and-warp-preview");

        await page.FillAsync("#steps", "20");
        await page.ClickAsync("#run");
        await Assertions.Expect(page.Locator("#cancel")).ToBeEnabledAsync();
        await Assertions.Expect(status).ToContainTextAsync("done", timeout);
        await Assertions.Expect(page.Locator("#result-section")).ToBeVisibleAsync();
        Assert.StartsWith("data:image/png", await page.GetAttributeAsync("#live-preview", "src"));
        Assert.Equal("20", await page.Locator("#progress").GetAttributeAsync("max"));
        Assert.Equal(20, await page.EvalOnSelectorAsync<int>("#progress", "p => p.value"));
        await page.FillAsync("#compare-slider", "70");
        await Shot("3-result");

        // What the page asked for is what the server ran: the clicked object moved 12 px right.
        var jobs = JsonNode.Parse(await h.Client.GetStringAsync("api/v1/jobs"))!.AsArray();
        var first = jobs[0]!["id"]!.GetValue<string>();
        var run = JsonNode.Parse(await h.Client.GetStringAsync($"api/v1/jobs/{first}/files/run.json"))!;
        var draw = run["motion"]!["draw"]!;
        Assert.Equal(12, draw["strokes"]![0]!["dx"]!.GetValue<double>());
        var click = draw["region"]!.GetValue<string>()["click:".Length..].Split(',').Select(double.Parse).ToArray();
        Assert.True(Math.Abs(click[0] - front.X) <= 1 && Math.Abs(click[1] - front.Y) <= 1, $"clicked at {click[0]},{click[1]}, the object is at {front.X:0.0},{front.Y:0.0}");
        Assert.Equal("done", jobs[0]!["state"]!.GetValue<string>());

        // Dropping (here: opening) the result.png restores its edit: method, region, motion, steps.
        var resultPng = Path.Combine(Browser.Artifacts, "result.png");
        await File.WriteAllBytesAsync(resultPng, await h.Client.GetByteArrayAsync($"api/v1/jobs/{first}/files/result.png"));
        await page.ClickAsync("#clear");
        await Assertions.Expect(page.Locator("#motion-text")).ToHaveTextAsync("no motion yet");
        await page.SetInputFilesAsync("#open-file", resultPng);
        await Assertions.Expect(status).ToContainTextAsync("restored a motion-guidance edit");
        await Assertions.Expect(page.Locator("#motion-text")).ToContainTextAsync("translate 12,0 of region click:");
        Assert.Equal("20", await page.InputValueAsync("#steps"));

        // The handles: a quarter turn about the region's centre (the restored click), then 1.5× larger. The page has
        // scrolled to the result since: the stage is measured again where it is now.
        async Task Drag(string tool, double x0, double y0, double x1, double y1)
        {
            await page.ClickAsync(tool);
            await page.Locator("#overlay").ScrollIntoViewIfNeededAsync();
            stage = (await page.Locator("#overlay").BoundingBoxAsync())!;
            await page.Mouse.MoveAsync(stage.X + (float)x0 * k, stage.Y + (float)y0 * k);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(stage.X + (float)x1 * k, stage.Y + (float)y1 * k, new MouseMoveOptions { Steps = 8 });
            await page.Mouse.UpAsync();
        }
        var restoredClick = System.Text.RegularExpressions.Regex.Match(await page.InnerTextAsync("#motion-text"), @"click:(\d+),(\d+)");
        int cx = int.Parse(restoredClick.Groups[1].Value), cy = int.Parse(restoredClick.Groups[2].Value);
        await Drag("#tool-rotate", cx + 30, cy, cx, cy + 30);
        await Drag("#tool-scale", cx + 20, cy, cx + 30, cy);
        await Assertions.Expect(page.Locator("#motion-text")).ToContainTextAsync("translate 12,0, rotate 90°, scale 1.5 of region click:");
        await Assertions.Expect(status).ToContainTextAsync("warp preview:");
        await Shot("4-handles");

        await page.FillAsync("#steps", "200");
        await page.ClickAsync("#run");
        await Assertions.Expect(status).ToContainTextAsync("running: invert", timeout);
        await Shot("5-second-run-in-progress");
        await page.ClickAsync("#cancel");
        await Assertions.Expect(status).ToContainTextAsync("cancelled", timeout);
        await Assertions.Expect(page.Locator("#run")).ToBeEnabledAsync();
        await Shot("6-cancelled");
        var second = JsonNode.Parse(await h.Client.GetStringAsync("api/v1/jobs"))!.AsArray()[1]!;
        Assert.Equal("cancelled", second["state"]!.GetValue<string>());
        Assert.True(errors.Count == 0, "the page logged errors: " + string.Join("; ", errors));
    }
}
