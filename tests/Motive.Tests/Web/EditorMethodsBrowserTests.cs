using Motive.Tests.Support;
using Microsoft.Playwright;
using Motive.ToyWorld.Scenes;
using Motive.Web;

namespace Motive.Tests.Web;

/// <summary>
/// The editor's other methods driven through the page as a user would, each on the toy scene it opens on: a
/// DragDiffusion edit (handle → target clicked, an editable region drawn) and a Guide-and-Rescale edit (prompts and
/// a preset), each run to its result and restored from its result.png.
/// </summary>
[Trait(Tier.Category, Tier.Browser)]
public class EditorMethodsBrowserTests
{
    private static readonly Scene Scene1 = SceneGenerator.Generate(1, 128, 128);

    [Fact]
    public async Task TheEditor_DragsAToySceneObject()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { PreviewEvery = 1 });
        await using var e = await EditorPage.Open(h);
        await e.Ready();
        await e.Method("DragDiffusion");
        await Assertions.Expect(e.Field("prompt")).ToHaveValueAsync(Captions.Of(Scene1));
        var front = Scene1.Objects[^1];
        int x = (int)Math.Round(front.X), y = (int)Math.Round(front.Y);

        await e.Tool("drags", "points");
        await e.Click(x, y);
        await Assertions.Expect(e.Hint("drags")).ToHaveTextAsync("now click the target");
        await e.Click(x + 8, y);
        await Assertions.Expect(e.Hint("drags")).ToHaveTextAsync($"({x},{y}) → ({x + 8},{y})");

        // The region and the mask are alternatives: painting the mask forgets the rectangle, clicking a region forgets the mask.
        await e.Tool("region", "rect");
        await e.Drag(x - 20, y - 20, x + 20, y + 20);
        await Assertions.Expect(e.Hint("region")).ToHaveTextAsync($"region {x - 20},{y - 20},40,40");
        await e.Tool("mask", "mask");
        await e.Drag(x - 5, y, x + 5, y);
        await Assertions.Expect(e.Hint("mask")).ToHaveTextAsync("painted");
        await Assertions.Expect(e.Hint("region")).ToHaveTextAsync("no region: everywhere");
        await e.Tool("region", "click");
        await e.Click(x, y);
        await Assertions.Expect(e.Hint("region")).ToHaveTextAsync($"region click:{x},{y}");
        await Assertions.Expect(e.Hint("mask")).ToHaveTextAsync("nothing painted");
        // The stage shades what the click selects (the server's reading of the region): light over the object, dark
        // over the background.
        async Task<int> Shade(double px, double py) => await e.Page.EvalOnSelectorAsync<int>("#overlay",
            $"c => c.getContext('2d').getImageData(Math.round({px} * c.width / 128), Math.round({py} * c.height / 128), 1, 1).data[0]");
        for (var until = DateTime.UtcNow.AddSeconds(10); await Shade(x + 10, y - 10) < 200 && DateTime.UtcNow < until;) await Task.Delay(100);
        Assert.True(await Shade(x + 10, y - 10) >= 200, "the clicked object is not shaded light");
        Assert.Equal(0, await Shade(2, 2));
        await e.Shot("drag-1-points-and-region");

        await e.Field("settings.lora_steps").FillAsync("2");
        await e.Field("settings.max_iterations").FillAsync("2");
        var run = await e.RunToTheEnd(h);
        await e.Shot("drag-2-result");
        Assert.Equal("drag", run["method"]!.GetValue<string>());
        var pair = run["drags"]!.AsArray().Single()!;
        Assert.Equal([x, y, x + 8, y], new[] { "x1", "y1", "x2", "y2" }.Select(k => Math.Round(pair[k]!.GetValue<double>())).ToArray());
        Assert.Equal($"click:{x},{y}", run["region"]!.GetValue<string>());
        Assert.Null(run["mask"]);
        Assert.Equal(2, run["settings"]!["lora_steps"]!.GetValue<int>());
        Assert.Equal(2, run["settings"]!["max_iterations"]!.GetValue<int>());
        Assert.Equal(Captions.Of(Scene1), run["prompt"]!.GetValue<string>());

        await e.Page.ClickAsync("#clear");
        await Assertions.Expect(e.Hint("drags")).ToHaveTextAsync("no points yet");
        await Assertions.Expect(e.Hint("region")).ToHaveTextAsync("no region: everywhere");
        await e.OpenLastResult(h, "drag.result.png");
        await Assertions.Expect(e.Status).ToContainTextAsync("restored a DragDiffusion edit");
        await Assertions.Expect(e.Hint("drags")).ToHaveTextAsync($"({x},{y}) → ({x + 8},{y})");
        await Assertions.Expect(e.Hint("region")).ToHaveTextAsync($"region click:{x},{y}");
        await Assertions.Expect(e.Field("settings.max_iterations")).ToHaveValueAsync("2");
        e.NoErrors();
    }

    [Fact]
    public async Task TheEditor_EditsAToySceneByText()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { PreviewEvery = 1 });
        await using var e = await EditorPage.Open(h);
        await e.Ready();
        await e.Method("Guide-and-Rescale");
        var caption = Captions.Of(Scene1);
        await Assertions.Expect(e.Field("source_prompt")).ToHaveValueAsync(caption);

        // A required input left empty: the page says which, and sends nothing.
        await e.Page.ClickAsync("#run");
        await Assertions.Expect(e.Status).ToContainTextAsync("Target prompt:");
        Assert.Equal(0, await EditorPage.Jobs(h));

        var target = caption.Replace("blue", "red");
        await e.Field("target_prompt").FillAsync(target);
        await e.Field("settings.preset").SelectOptionAsync("ours_nonstyle_best");
        await e.Field("settings.steps").FillAsync("3");
        var run = await e.RunToTheEnd(h);
        await e.Shot("gar-result");
        Assert.StartsWith("data:image/png", await e.Page.GetAttributeAsync("#live-preview", "src"));
        Assert.Equal("guide-and-rescale", run["method"]!.GetValue<string>());
        Assert.Equal(caption, run["source_prompt"]!.GetValue<string>());
        Assert.Equal(target, run["target_prompt"]!.GetValue<string>());
        Assert.Equal("ours_nonstyle_best", run["settings"]!["preset"]!.GetValue<string>());
        Assert.Equal(3, run["settings"]!["steps"]!.GetValue<int>());

        await Assertions.Expect(e.Page.Locator("#clear")).ToBeHiddenAsync();   // nothing is drawn for this method
        await e.Field("target_prompt").FillAsync("");
        await e.OpenLastResult(h, "gar.result.png");
        await Assertions.Expect(e.Status).ToContainTextAsync("restored a Guide-and-Rescale edit");
        await Assertions.Expect(e.Field("target_prompt")).ToHaveValueAsync(target);
        await Assertions.Expect(e.Field("settings.steps")).ToHaveValueAsync("3");
        e.NoErrors();
    }
}
