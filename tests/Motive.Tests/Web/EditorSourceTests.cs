using Motive.Tests.Support;
using System.Text.RegularExpressions;
using Motive.Methods.Editing;
using Motive.Web;

namespace Motive.Tests.Web;

/// <summary>
/// The editor's files name no method: its tabs and panels come from the methods' descriptions (GET /api/v1/methods),
/// so a method added to the server appears in the editor without touching the page.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class EditorSourceTests
{
    [Fact]
    public void TheEditorsFiles_NameNoMethod()
    {
        var files = StaticAssets.Files.Where(f => f.Key.EndsWith(".js") || f.Key.EndsWith(".html") || f.Key.EndsWith(".css")).ToList();
        Assert.Contains(files, f => f.Key == "editor.js");
        foreach (var (name, (data, _)) in files)
        {
            var text = System.Text.Encoding.UTF8.GetString(data);
            foreach (var m in EditMethods.All)
            {
                var d = m.Description;
                foreach (var word in new[] { d.Title ?? m.Name, d.Command, m.Name }.Distinct())
                {
                    // As a string in the code: "drag", 'drag', `drag`. A motion's handle → target stroke is {kind: "drag"}
                    // (MotionSpec's stroke kind, not a method): as a stroke's kind, the one use allowed.
                    var quoted = Regex.Matches(text, $"(?<!kind(: | === ))[\"'`]{Regex.Escape(word)}[\"'`]", RegexOptions.IgnoreCase).ToList();
                    Assert.True(quoted.Count == 0, $"{name} names the method {m.Name} as {quoted.FirstOrDefault()?.Value}");
                }
                foreach (var word in new[] { d.Title ?? m.Name, m.Name }.Where(w => w.Contains('-') || w.Contains(' ') || char.IsUpper(w[0])))
                    Assert.DoesNotContain(word, text, StringComparison.OrdinalIgnoreCase);
            }
            Assert.DoesNotMatch(new Regex(@"\bgar\w*", RegexOptions.IgnoreCase), text);
        }
    }
}
