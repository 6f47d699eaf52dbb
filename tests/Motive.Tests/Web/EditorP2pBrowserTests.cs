using Motive.Tests.Support;
using Microsoft.Playwright;
using Motive.ToyWorld.Scenes;
using Motive.Web;

namespace Motive.Tests.Web;

/// <summary>
/// A Prompt-to-Prompt edit driven through the page on the toy scene it opens on: the caption fills the source prompt,
/// the user types the word swap and a blend word, runs it to its result and restores it from its result.png.
/// </summary>
[Trait(Tier.Category, Tier.Browser)]
public class EditorP2pBrowserTests
{
    [Fact]
    public async Task TheEditor_SwapsAWordOfTheToyScene()
    {
        var caption = Captions.Of(SceneGenerator.Generate(1, 128, 128));
        var target = caption.Replace("blue", "red");
        await using var h = await ServerHarness.Start(new ServeOptions { PreviewEvery = 1 });
        await using var e = await EditorPage.Open(h);
        await e.Ready();
        await e.Method("Prompt-to-Prompt");
        await Assertions.Expect(e.Field("source_prompt")).ToHaveValueAsync(caption);
        await e.Field("target_prompt").FillAsync(target);
        await e.Field("settings.blend_words").FillAsync("square");
        await e.Field("settings.steps").FillAsync("3");
        var run = await e.RunToTheEnd(h);
        await e.Shot("p2p-result");
        Assert.Equal("prompt-to-prompt", run["method"]!.GetValue<string>());
        Assert.Equal(target, run["target_prompt"]!.GetValue<string>());
        Assert.Equal("square", run["settings"]!["blend_words"]!.GetValue<string>());
        Assert.Equal("replace", run["settings"]!["edit"]!.GetValue<string>());
        Assert.NotNull(run["image"]);

        await e.Field("target_prompt").FillAsync("");
        await e.OpenLastResult(h, "p2p.result.png");
        await Assertions.Expect(e.Status).ToContainTextAsync("restored a Prompt-to-Prompt edit");
        await Assertions.Expect(e.Field("target_prompt")).ToHaveValueAsync(target);
        await Assertions.Expect(e.Field("settings.blend_words")).ToHaveValueAsync("square");
        e.NoErrors();
    }
}
