using Motive.IO.Checkpoints;
using Motive.IO.Numpy;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Methods.WarpInpaint;

/// <summary>`motive warp` (warp-then-inpaint) and its request: bad input is one line naming the input and the problem, and writes nothing.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class WarpInpaintRefusalTests
{
    [Fact]
    public void BadInput_IsOneLine_NothingWritten()
    {
        using var flows = new TempDir();
        string wrongShape = flows.File("three.pth"), nan = flows.File("nan.npy"), small = flows.File("small.pth");
        using (var t = torch.zeros(1, 3, 64, 64)) TorchSaveWriter.WriteTensor(wrongShape, t);
        using (var t = torch.zeros(64, 64, 2))
        {
            t[3, 4, 0] = torch.tensor(float.NaN);
            NpyFile.Write(nan, t);
        }
        using (var t = torch.zeros(1, 2, 32, 32)) TorchSaveWriter.WriteTensor(small, t);
        var request = flows.File("request.json");
        File.WriteAllText(request, """{"method": "warp-inpaint", "motion": {"draw": {"strokes": [{"kind": "translate", "dx": 4, "dy": 0}]}}}""");

        var cases = new (string Name, string[] Args, string Message)[]
        {
            ("no motion", ["warp", "--image", "{image}", "--out", "{out}"], "say where things move"),
            ("flow of the wrong shape", ["warp", "--image", "{image}", "--target-flow", wrongShape, "--out", "{out}"], "three.pth: flow has shape (1, 3, 64, 64)"),
            ("flow with NaN", ["warp", "--image", "{image}", "--target-flow", nan, "--out", "{out}"], "nan.npy: flow contains NaN or infinite values"),
            ("flow of another size", ["warp", "--image", "{image}", "--target-flow", small, "--out", "{out}"], "small.pth: the flow is 32x32, the image 64x64"),
            ("flow and strokes", ["warp", "--image", "{image}", "--target-flow", small, "--translate", "4,0", "--out", "{out}"], "not both"),
            ("missing picture", ["warp", "--image", "{dir}/nope.png", "--translate", "4,0", "--out", "{out}"], "nope.png: no such file"),
            ("corrupt picture", ["warp", "--image", "{dir}/bad.png", "--translate", "4,0", "--out", "{out}"], "bad.png"),
            ("no picture in the request", ["run", request, "--out", "{out}"], "say which picture to edit: an image"),
            ("no steps", ["warp", "--image", "{image}", "--translate", "4,0", "--steps", "0", "--out", "{out}"], "steps must be between 1 and 1000, got 0"),
            ("too many resamplings", ["warp", "--image", "{image}", "--translate", "4,0", "--resamplings", "21", "--out", "{out}"], "resamplings must be between 0 and 20, got 21"),
            ("negative dilation", ["warp", "--image", "{image}", "--translate", "4,0", "--hole-dilation", "-1", "--out", "{out}"], "hole_dilation must be between 0 and 64 px, got -1"),
            ("over the memory limit", ["warp", "--image", "{image}", "--translate", "4,0", "--max-memory", "0.001", "--out", "{out}"], "more than the 1 MiB allowed on cpu"),
        };
        foreach (var (name, args, message) in cases) Refusals.Check(name, args, message);
    }
}
