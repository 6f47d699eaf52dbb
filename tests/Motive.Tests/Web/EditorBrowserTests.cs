using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Motive.Web;
using Xunit.Abstractions;

namespace Motive.Tests.Web;

/// <summary>
/// The editor page in a real browser against a real server on the embedded model, as a user works it: it opens on a
/// toy scene ready to try; click its front object, drag an arrow, see the warp preview, run a short Motion Guidance
/// edit and watch its progress and live preview, get the result, restore it from its result.png, then start a second
/// run and cancel it. Each stage's screenshot is kept.
/// </summary>
[Trait(Tier.Category, Tier.Browser)]
public class EditorBrowserTests(ITestOutputHelper output)
{
    private static readonly Scene Scene1 = SceneGenerator.Generate(1, 128, 128);

    [Fact]
    public async Task TheFirstScreen_IsAToySceneReadyToTry_WithNoBrokenImage()
    {
        await using var h = await ServerHarness.Start();
        await using var e = await EditorPage.Open(h);
        await e.Ready();
        var info = JsonNode.Parse(await h.Client.GetStringAsync("api/v1/methods"))!;
        var first = info["methods"]![0]!;
        await Assertions.Expect(e.Page.Locator("#method-tabs button.active")).ToHaveTextAsync(first["title"]!.GetValue<string>());
        await Assertions.Expect(e.Status).ToContainTextAsync(Captions.Of(Scene1));

        // The picture: the 128 px scene, drawn at 512 px with its pixels kept square.
        var picture = e.Page.Locator("#source-image");
        await Assertions.Expect(picture).ToBeVisibleAsync();
        Assert.Equal(128, await picture.EvaluateAsync<int>("i => i.naturalWidth"));
        Assert.True((await picture.BoundingBoxAsync())!.Width >= 384, "the picture is drawn smaller than 384 px");
        Assert.Equal("pixelated", await picture.EvaluateAsync<string>("i => getComputedStyle(i).imageRendering"));

        // Every image the page shows has loaded (no broken-image placeholders); those with nothing to show are hidden.
        var shown = await e.Page.EvaluateAsync<string[]>("""
            [...document.images].filter(i => i.checkVisibility()).map(i => `${i.id}:${i.complete && i.naturalWidth > 0}`)
            """);
        Assert.Equal(["source-image:true"], shown);

        var dir = Path.Combine(Path.GetTempPath(), "motive-editor-first-screen-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        await e.Shot("first-screen", dir);
        var shot = Path.Combine(dir, "first-screen.png");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(shot)[..4]);
        output.WriteLine($"first screen: {shot}");
        e.NoErrors();
    }

    [Fact]
    public async Task EveryMethodsPanel_IsBuiltFromItsDescription()
    {
        await using var h = await ServerHarness.Start();
        await using var e = await EditorPage.Open(h);
        await e.Ready();
        var methods = JsonNode.Parse(await h.Client.GetStringAsync("api/v1/methods"))!["methods"]!.AsArray();
        await Assertions.Expect(e.Page.Locator("#method-tabs button")).ToHaveTextAsync(methods.Select(m => m!["title"]!.GetValue<string>()).ToArray());
        foreach (var m in methods)
        {
            await e.Method(m!["title"]!.GetValue<string>());
            var inputs = m["inputs"]!.AsArray().Select(i => i!).ToList();
            var picture = inputs.SingleOrDefault(i => i["widget"]!.GetValue<string>() == "picture");   // none: classifier guidance samples
            // The picture's alternatives (a file, a size, generating one) and what lies under them are not the editor's.
            var alternatives = inputs.Where(i => picture is not null && i != picture && i["group"] is not null && i["group"]!.GetValue<string>() == picture["group"]?.GetValue<string>())
                .Select(i => i["key"]!.GetValue<string>()).ToList();
            foreach (var input in inputs)
            {
                var key = input["key"]!.GetValue<string>();
                var widget = input["widget"]!.GetValue<string>();
                bool editorless = widget is "picture" or "file" or "size" || alternatives.Contains(key)
                    || alternatives.Any(a => key.StartsWith(a + ".") && !picture!["key"]!.GetValue<string>().StartsWith(a + "."));
                await Assertions.Expect(e.Input(key)).ToHaveCountAsync(editorless ? 0 : 1);
                if (editorless) continue;
                Assert.Equal(widget, await e.Input(key).GetAttributeAsync("data-widget"));
                bool advanced = input["advanced"]!.GetValue<bool>();
                Assert.Equal(advanced, await e.Input(key).EvaluateAsync<bool>("x => !!x.closest('details')"));
                // A setting's field shows the server's default as its placeholder (the page writes numbers as JavaScript
                // does: 0.00001 where the JSON says 1E-05).
                if (key.StartsWith("settings.") && widget is "number" or "integer" && m["settings"]![key["settings.".Length..]] is JsonValue d)
                    Assert.Equal(d.GetValue<double>(), double.Parse((await e.Field(key).GetAttributeAsync("placeholder"))!, System.Globalization.CultureInfo.InvariantCulture));
            }
            await e.Page.Locator(".method-panel:not([hidden]) details").EvaluateAllAsync<int>("ds => { ds.forEach(d => d.open = true); return ds.length; }");
            await e.Shot("panel-" + m["name"]!.GetValue<string>());
        }
        e.NoErrors();
    }

    [Fact]
    public async Task TheEditor_MovesAToySceneObject_ThenCancelsASecondRun()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { PreviewEvery = 1 });
        await using var e = await EditorPage.Open(h);
        var page = e.Page;
        await e.Ready();
        var front = Scene1.Objects[^1];
        await page.FillAsync("#scene-seed", "1");
        await page.ClickAsync("#load-scene");
        await Assertions.Expect(e.Status).ToContainTextAsync(Captions.Of(Scene1));
        await Assertions.Expect(e.Field("prompt")).ToHaveValueAsync(Captions.Of(Scene1));
        await e.Shot("1-scene");

        await e.Tool("motion.draw", "click");
        await e.Click(front.X, front.Y);
        await Assertions.Expect(e.Hint("motion.draw")).ToContainTextAsync("region click:");
        await e.Tool("motion.draw", "translate");
        await e.Drag(front.X, front.Y, front.X + 12, front.Y);
        await Assertions.Expect(e.Hint("motion.draw")).ToContainTextAsync("translate 12,0");
        await Assertions.Expect(e.Status).ToContainTextAsync("warp preview:");
        Assert.StartsWith("blob:", await page.GetAttributeAsync("#warp-image", "src"));
        await Assertions.Expect(page.Locator("#warp-image")).ToBeVisibleAsync();
        await e.Shot("2-motion-and-warp-preview");

        await e.Field("settings.steps").FillAsync("20");
        await e.Field("settings.recursions").FillAsync("1");
        var run = await e.RunToTheEnd(h);
        Assert.StartsWith("data:image/png", await page.GetAttributeAsync("#live-preview", "src"));
        Assert.Equal("20", await page.Locator("#progress").GetAttributeAsync("max"));
        Assert.Equal(20, await page.EvalOnSelectorAsync<int>("#progress", "p => p.value"));
        await page.FillAsync("#compare-slider", "70");
        await e.Shot("3-result");

        // What the page asked for is what the server ran: the clicked object moved 12 px right, on the picture on the stage.
        Assert.Equal("motion-guidance", run["method"]!.GetValue<string>());
        Assert.Equal("image", run["source"]!["kind"]!.GetValue<string>());
        var draw = run["motion"]!["draw"]!;
        Assert.Equal(12, draw["strokes"]![0]!["dx"]!.GetValue<double>());
        var click = draw["region"]!.GetValue<string>()["click:".Length..].Split(',').Select(double.Parse).ToArray();
        Assert.True(Math.Abs(click[0] - front.X) <= 1 && Math.Abs(click[1] - front.Y) <= 1, $"clicked at {click[0]},{click[1]}, the object is at {front.X:0.0},{front.Y:0.0}");

        // Opening the result.png (as dropping it would) restores its edit: method, region, motion, steps.
        await page.ClickAsync("#clear");
        await Assertions.Expect(e.Hint("motion.draw")).ToHaveTextAsync("no motion yet");
        await e.OpenLastResult(h, "mg.result.png");
        await Assertions.Expect(e.Status).ToContainTextAsync("restored a Motion Guidance edit");
        await Assertions.Expect(e.Hint("motion.draw")).ToContainTextAsync("translate 12,0 of region click:");
        await Assertions.Expect(e.Field("settings.steps")).ToHaveValueAsync("20");

        // The handles: a quarter turn about the region's centre (the restored click), then 1.5× larger.
        var restoredClick = System.Text.RegularExpressions.Regex.Match(await e.Hint("motion.draw").InnerTextAsync(), @"click:(\d+),(\d+)");
        int cx = int.Parse(restoredClick.Groups[1].Value), cy = int.Parse(restoredClick.Groups[2].Value);
        await e.Tool("motion.draw", "rotate");
        await e.Drag(cx + 30, cy, cx, cy + 30);
        await e.Tool("motion.draw", "scale");
        await e.Drag(cx + 20, cy, cx + 30, cy);
        await Assertions.Expect(e.Hint("motion.draw")).ToContainTextAsync("translate 12,0, rotate 90°, scale 1.5 of region click:");
        await Assertions.Expect(e.Status).ToContainTextAsync("warp preview:");
        await e.Shot("4-handles");

        await e.Field("settings.steps").FillAsync("200");
        var second = await e.Submit(h);
        await Assertions.Expect(e.Status).ToContainTextAsync("running: invert", EditorPage.Slow);
        await e.Shot("5-second-run-in-progress");
        await page.ClickAsync("#cancel");
        await Assertions.Expect(e.Status).ToContainTextAsync("cancelled", EditorPage.Slow);
        await Assertions.Expect(page.Locator("#run")).ToBeEnabledAsync();
        await e.Shot("6-cancelled");
        Assert.Equal("cancelled", (await h.Job(second))["state"]!.GetValue<string>());
        e.NoErrors();
    }
}
