using Motive.Tests.Support;
using Microsoft.Playwright;
using Motive.Web;

namespace Motive.Tests.Web;

/// <summary>
/// Classifier guidance driven through the editor as a user would: its tab, the class picked from the classifier's
/// classes, the scale typed in, the prompt emptied, run to its result and restored from its result.png.
/// </summary>
[Trait(Tier.Category, Tier.Browser)]
public class EditorClassifierGuidanceBrowserTests
{
    [Fact]
    public async Task TheEditor_SamplesTowardsAPickedClass()
    {
        await using var h = await ServerHarness.Start(new ServeOptions { PreviewEvery = 1 });
        await using var e = await EditorPage.Open(h);
        await e.Ready();
        await e.Method("Classifier guidance");

        // The class is required: the page says which input is missing, and sends nothing.
        await e.Page.ClickAsync("#run");
        await Assertions.Expect(e.Status).ToContainTextAsync("Class:");
        Assert.Equal(0, await EditorPage.Jobs(h));

        Assert.Equal(["", "red", "yellow", "green", "blue"], await e.Field("target").Locator("option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
        await e.Field("target").SelectOptionAsync("red");
        await e.Field("settings.scale").FillAsync("10");
        await e.Field("prompt").FillAsync("");
        await e.Field("settings.samples").FillAsync("2");
        await e.Field("settings.steps").FillAsync("3");
        var run = await e.RunToTheEnd(h);
        await e.Shot("guide-result");
        Assert.Equal("classifier-guidance", run["method"]!.GetValue<string>());
        Assert.Equal("red", run["target"]!.GetValue<string>());
        Assert.Equal(10, run["settings"]!["scale"]!.GetValue<double>());
        Assert.Equal(2, run["settings"]!["samples"]!.GetValue<int>());
        Assert.Equal("", run["prompt"]!.GetValue<string>());
        Assert.Null(run["classifier"]);   // the server's own classifier, never a path from the page
        await Assertions.Expect(e.Page.Locator("#result-text")).ToContainTextAsync("classifier_target_fraction");

        await e.Field("settings.scale").FillAsync("");
        await e.OpenLastResult(h, "guide.result.png");
        await Assertions.Expect(e.Status).ToContainTextAsync("restored a Classifier guidance edit");
        await Assertions.Expect(e.Status).Not.ToContainTextAsync("picture is not on this server");   // it takes no picture
        await Assertions.Expect(e.Field("target")).ToHaveValueAsync("red");
        await Assertions.Expect(e.Field("settings.scale")).ToHaveValueAsync("10");
        e.NoErrors();
    }
}
