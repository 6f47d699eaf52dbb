using Motive.IO.Images;
using Motive.Methods.DragDiffusion;
using Motive.Methods.Editing;
using Motive.Tests.Support;

namespace Motive.Tests.Cli;

/// <summary>`motive drag`'s bad input: each refused before any model is loaded, one line naming the input, nothing written.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class DragCommandTests
{
    public static TheoryData<string, string[], string> Bad => new()
    {
        { "no picture", ["drag", "--drag", "1,1:5,5", "--out", "{out}"], "say which picture to drag" },
        { "no drags", ["drag", "--image", "{image}", "--out", "{out}"], "at least one drag" },
        { "missing image", ["drag", "--image", "{dir}/nope.png", "--drag", "1,1:5,5", "--out", "{out}"], "nope.png: no such file" },
        { "bad drag text", ["drag", "--image", "{image}", "--drag", "1,1-5,5", "--out", "{out}"], "--drag: drag '1,1-5,5' should be X1,Y1:X2,Y2" },
        { "drag off the picture", ["drag", "--image", "{image}", "--drag", "10,10:500,10", "--out", "{out}"], "leaves the 64x64 picture" },
        { "mask and region", ["drag", "--image", "{image}", "--drag", "1,1:5,5", "--mask", "{image}", "--region", "0,0,8,8", "--out", "{out}"], "not both" },
        { "corrupt image", ["drag", "--image", "{dir}/bad.png", "--drag", "1,1:5,5", "--out", "{out}"], "bad.png" },
        { "over the memory limit", ["drag", "--image", "{image}", "--drag", "1,1:5,5", "--max-memory", "0.001", "--out", "{out}"], "more than the 1 MiB allowed on cpu" },
        { "bad iterations", ["drag", "--image", "{image}", "--drag", "1,1:5,5", "--iterations", "-1", "--out", "{out}"], "max_iterations must be at least 0" },
        { "bad strength", ["drag", "--image", "{image}", "--drag", "1,1:5,5", "--inversion-strength", "1.5", "--out", "{out}"], "inversion_strength must be in (0, 1]" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void BadInput_IsOneLine_BeforeAnyModel_NothingWritten(string name, string[] args, string message) => Refusals.Check(name, args, message);

    [Fact]
    public void DragRequest_RoundTripsThroughJson_AsRunJsonRecordsIt()
    {
        var request = new DragRequest
        {
            Image = "photo.png", Drags = [new(10, 20, 30, 40), new(1, 2, 3, 4)], Region = "ellipse:20,20,8,8", Prompt = "a cat", Seed = 7,
            Settings = new DragOptions { MaxIterations = 40, LoraSteps = 0 },
        };
        var json = EditJson.Serialize(request, indented: false);
        Assert.Contains("\"method\":\"drag\"", json);
        var back = Assert.IsType<DragRequest>(EditJson.Parse(json, "request"));
        Assert.Equal(request.Drags, back.Drags);
        Assert.Equal(json, EditJson.Serialize(back, indented: false));
    }
}
