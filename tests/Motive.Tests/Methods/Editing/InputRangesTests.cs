using System.Text.Json.Nodes;
using Motive.Methods.Editing;
using Motive.Tests.Support;

namespace Motive.Tests.Methods;

/// <summary>A description's ranges and choices checked on a request's JSON: in bounds passes, out of bounds is one line naming the key.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class InputRangesTests
{
    private static readonly MethodDescription Description = new("m", "m", "a test method",
    [
        new("settings.steps", Widget.Integer, "steps") { Min = 1, Max = 1000 },
        new("settings.weight", Widget.Number, "weight") { Min = 0 },
        new("settings.edit", Widget.Choice, "edit") { Choices = ["replace", "refine"] },
        new("edit_mask", Widget.Mask, "mask") { Choices = ["auto", "none"] },
    ]);

    [Theory]
    [InlineData("""{"settings": {"steps": 1, "weight": 0, "edit": "refine"}, "edit_mask": "mask.png"}""")]
    [InlineData("""{"settings": {"steps": 1000}}""")]
    [InlineData("""{"seed": 3}""")]
    public void InBounds_Passes(string json) => InputRanges.Check(JsonNode.Parse(json)!.AsObject(), Description);

    [Theory]
    [InlineData("""{"settings": {"steps": 0}}""", "\"settings.steps\" must be in 1..1000, not 0")]
    [InlineData("""{"settings": {"steps": 1001}}""", "\"settings.steps\" must be in 1..1000, not 1001")]
    [InlineData("""{"settings": {"weight": -0.5}}""", "\"settings.weight\" must be at least 0, not -0.5")]
    [InlineData("""{"settings": {"edit": "swap"}}""", "\"settings.edit\" must be one of replace, refine, not 'swap'")]
    public void OutOfBounds_IsOneLineNamingTheKey(string json, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => InputRanges.Check(JsonNode.Parse(json)!.AsObject(), Description)).Message);
}
