using System.CommandLine;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.Models.Flow;

namespace Motive.Cli.Commands;

/// <summary>`motive flow ...`: optical-flow tools. So far: `show` (colour-wheel visualisation).</summary>
public static class FlowCommand
{
    public static Command Create()
    {
        var flow = new Command("flow", "Optical-flow tools.");
        var file = new Argument<string>("flow") { Description = "A flow file: .flo, .npy, .safetensors (key 'flow') or .pth." };
        var over = new Option<string?>("--over") { Description = "Blend the colours over this image (same size as the flow)." };
        var max = new Option<double?>("--max") { Description = "Magnitude (px) shown fully saturated (default: the flow's largest)." };
        var output = new Option<string>("--out") { Description = "Output PNG.", Required = true };
        var show = new Command("show", "Draw a flow with the Middlebury colour wheel (hue = direction, saturation = magnitude).") { file, over, max, output };
        show.SetAction(r =>
        {
            var path = r.GetValue(file)!;
            using var f = FlowFile.Read(path);
            var image = FlowColors.ToImage(f, r.GetValue(max));
            if (r.GetValue(over) is { } under) image = FlowColors.Over(image, ImageReader.Read(under));
            PngWriter.Write(r.GetValue(output)!, image, new Dictionary<string, string> { ["motive.command"] = "flow show", ["motive.flow"] = path });
            r.InvocationConfiguration.Output.WriteLine($"wrote {r.GetValue(output)}");
            return CliApp.Ok;
        });
        flow.Add(show);
        return flow;
    }
}
